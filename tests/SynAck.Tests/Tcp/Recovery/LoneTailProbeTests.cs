using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;

namespace SynAck.Tests.Tcp.Recovery;

/// <summary>
/// <see cref="TcpSettings.LossProbeLearnsAckDelay"/>: a lone segment is probed at 2·SRTT + 2 ms like any tail until the
/// peer shows it holds such an ACK (RFC 8985 §7.2 makes WCDelAckT a MAY). The peer here is SynAck with an application that
/// does not read, so its delayed ACK waits 40 ms for a lone segment (<see cref="TcpSettings.AckPushedOnRead"/> needs a
/// read), and on these short round trips the first probe of a lone segment is needless: it must cost one
/// segment and nothing else (no window reduction, no reordering evidence, no timeout), and the next lone segment must wait
/// for the held ACK instead of being probed again.
/// </summary>
public sealed class LoneTailProbeTests
{
    private sealed record Rig(TwoStacks H, TcpHandle C, TcpHandle S, SynAck.Tcp.TcpConnection Conn);

    /// <summary>A connection warmed by ten segments, all acknowledged, no probe yet.</summary>
    private static Rig Warm(Duration oneWay, TcpSettings? settings = null)
    {
        var h = new TwoStacks(settings, settings) { Latency = oneWay };
        var (c, s) = ConnectedPair.Open(h);
        var conn = h.Client.Get(c);
        var data = ConnectedPair.Pattern(10 * conn.SndMss);
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, data, Duration.FromSeconds(5)));
        Assert.True(h.RunUntil(() => conn.SndUna == conn.SndMax, h.Now + Duration.FromSeconds(1)), "warm-up acknowledged");
        Assert.Equal(0, h.Client.Counters.LossProbes);
        return new Rig(h, c, s, conn);
    }

    /// <summary>The first probe of a lone segment was needless and cost one segment: no window reduction, no reordering evidence, no timeout.</summary>
    private static void AssertOneNeedlessProbe(Rig r, int cwndBefore)
    {
        var counters = r.H.Client.Counters;
        Assert.Equal(1, counters.LossProbes);
        Assert.Equal(1, counters.LossProbesNeedless);
        Assert.Equal(1, counters.DsacksReceived);
        Assert.Equal(0, counters.LossProbeRecoveries);
        Assert.Equal(0, counters.RetransmissionTimeouts);
        Assert.Equal(1, r.Conn.ReorderingWindowMultiplier);
        Assert.True(r.Conn.Cwnd >= cwndBefore, $"cwnd {r.Conn.Cwnd}, {cwndBefore} before");
    }

    /// <summary>Writes one small segment and runs until it is acknowledged and any answer to a probe is in; returns how long the ACK took.</summary>
    private static Duration LoneWrite(Rig r)
    {
        var start = r.H.Now;
        Assert.Equal(100, r.H.Client.Send(r.C, ConnectedPair.Pattern(100), start));
        Assert.True(r.H.RunUntil(() => r.Conn.SndUna == r.Conn.SndMax, start + Duration.FromSeconds(1)), "the lone segment acknowledged");
        var took = r.H.Now - start;
        // Long enough for the probe's answer to follow, short of the idle time after which cwnd restarts (RFC 5681 §4.1).
        r.H.RunFor(Duration.FromMilliseconds(50));
        return took;
    }

    [Fact]
    public void A_needless_probe_of_a_lone_segment_is_answered_by_a_dsack_costs_nothing_and_the_next_lone_segment_waits_for_the_held_ack()
    {
        // One-way 1 ms: the probe (2·SRTT + 2 ms) reaches the receiver while it still holds its ACK, and the duplicate is
        // answered at once with a D-SACK (RFC 2883), which ends the TLP episode without a loss (RFC 8985 §7.4).
        var r = Warm(Duration.FromMilliseconds(1));
        var (h, conn) = (r.H, r.Conn);
        int cwnd = conn.Cwnd;
        LoneWrite(r);
        AssertOneNeedlessProbe(r, cwnd);

        // Learned: the next lone segment's ACK is held 40 ms, far beyond 2·SRTT + 2 ms, and no probe goes.
        var took = LoneWrite(r);
        Assert.True(took > conn.Rtt.Srtt * 2 + Duration.FromMilliseconds(3), $"acknowledged after {took}: the receiver did not hold its ACK");
        Assert.Equal(1, h.Client.Counters.LossProbes);
        Assert.Equal(1, h.Client.Counters.LossProbesNeedless);
        Assert.True(conn.Cwnd >= cwnd, $"cwnd {conn.Cwnd}, {cwnd} before");
        h.Check();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_held_ack_of_the_original_arriving_after_the_probe_ends_the_episode_without_a_loss(bool timestamps)
    {
        // One-way 10 ms: the probe leaves at 2·SRTT + 2 ms = 42 ms, the receiver's held ACK of the original at 40 ms reaches
        // the sender at 50 ms, before the probe's D-SACK. That ACK covers the probe's retransmission without a D-SACK;
        // it answers the original (its timestamp echo is older than the probe's, or without timestamps it came sooner
        // after the probe than any round trip), so there was no loss. The D-SACK that follows is not reordering either.
        var r = Warm(Duration.FromMilliseconds(10), new TcpSettings { Timestamps = timestamps });
        var (h, conn) = (r.H, r.Conn);
        Assert.Equal(timestamps, conn.TimestampsOk);
        int cwnd = conn.Cwnd;
        LoneWrite(r);
        AssertOneNeedlessProbe(r, cwnd);

        LoneWrite(r);
        Assert.Equal(1, h.Client.Counters.LossProbes);
        Assert.True(conn.Cwnd >= cwnd, $"cwnd {conn.Cwnd}, {cwnd} before");
        h.Check();
    }

    [Fact]
    public void With_the_rfc_default_always_added_a_lone_segment_held_by_the_receiver_is_never_probed()
    {
        var r = Warm(Duration.FromMilliseconds(1), new TcpSettings { LossProbeLearnsAckDelay = false });
        LoneWrite(r);
        LoneWrite(r);
        Assert.Equal(0, r.H.Client.Counters.LossProbes);
        r.H.Check();
    }
}
