using SynAck.Tcp;
using SynAck.Tests.Scenarios;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp.Recovery;

/// <summary>
/// What a tail loss probe carries (<see cref="TcpSettings.LossProbeSegments"/>) and how its episode ends (RFC 8985 §7.4).
/// When every ACK of a flight is lost, the receiver holds all the data: a probe of one new segment is an ACK it may
/// delay (RFC 1122 §4.2.3.2; Linux 40 ms), and if that one answer is lost the RTO fires. The default probe sends the
/// last segment again first — a duplicate every receiver answers at once, with a D-SACK — and a new segment behind it,
/// which draws a second answer.
/// </summary>
public sealed class LossProbeShapeTests
{
    private static readonly Duration OneWay = Duration.FromMilliseconds(5);

    private sealed record Run(TwoStacks H, SynAck.Tcp.TcpConnection Conn, TcpEvent Probe, List<SegmentRecord> Sent, SeqNum MaxBeforeProbe, int CwndBeforeProbe);

    /// <summary>
    /// Sends 60 segments; the receiver's ACKs are lost from the 11th segment on until the sender probes, and after the
    /// probe the first <paramref name="answersLost"/> answers too.
    /// </summary>
    private static Run AckLossUntilProbe(int probeSegments, int answersLost = 0, long bandwidth = 0)
    {
        var receiver = new TcpSettings { QuickAckSegments = 0 };
        var h = new TwoStacks(new TcpSettings { LossProbeSegments = probeSegments }, receiver) { Latency = OneWay, Bandwidth = bandwidth };
        var (c, s) = ConnectedPair.Open(h);
        var conn = h.Client.Get(c);
        int mss = conn.SndMss;
        var firstAckLost = conn.SndNxt + 10 * mss;
        SeqNum maxBefore = default;
        int cwndBefore = 0;
        bool Probed() => h.ClientLog.Of(TcpEventKind.TimerFired).Any(e => e.Timer == TcpTimerKind.LossProbe);
        int answersDropped = 0;
        h.DropRule = r =>
        {
            if (r.FromClient)
            {
                if (!Probed())
                    (maxBefore, cwndBefore) = (conn.SndMax, conn.Cwnd);
                return false;
            }
            if (r.Ack <= firstAckLost)
                return false;
            if (!Probed())
                return true;
            return answersDropped < answersLost && ++answersDropped > 0;
        };
        var data = ConnectedPair.Pattern(60 * mss);
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, data, Duration.FromSeconds(5)));
        Assert.True(h.RunUntil(() => conn.SndUna == conn.SndMax, h.Now + Duration.FromSeconds(1)), "everything acknowledged");
        var probe = h.ClientLog.Of(TcpEventKind.TimerFired).First(e => e.Timer == TcpTimerKind.LossProbe);
        var sent = h.Wire.Where(r => r.FromClient && r.Length > 0 && r.Time == probe.Time).ToList();
        h.Check();
        return new Run(h, conn, probe, sent, maxBefore, cwndBefore);
    }

    [Fact]
    public void A_probe_after_lost_acks_is_the_last_segment_again_then_a_new_one_and_is_answered_at_once_with_a_dsack()
    {
        var run = AckLossUntilProbe(2);
        var (h, sent) = (run.H, run.Sent);
        Assert.Equal(2, sent.Count);
        Assert.Equal(run.MaxBeforeProbe, sent[0].Seq + sent[0].Length); // the highest segment sent, again
        Assert.Equal(run.MaxBeforeProbe, sent[1].Seq);                   // then new data
        var answer = h.Wire.First(r => !r.FromClient && r.Time > run.Probe.Time);
        Assert.True(answer.Time - run.Probe.Time <= OneWay * 2 + Duration.FromMilliseconds(1), $"answered {answer.Time - run.Probe.Time} after the probe");
        Assert.True(answer.Options.SackBlockCount > 0 && answer.Options.GetSackBlock(0).Right <= answer.Ack, "the answer reports the duplicate (RFC 2883)");
        Assert.Equal(0, h.Client.Counters.RetransmissionTimeouts);
        // RFC 8985 §7.4: the duplicate shows the original had arrived — an ACK was lost, not data: no window
        // reduction, and no reordering evidence for RACK's window either.
        Assert.True(h.Client.Counters.DsacksReceived >= 1);
        Assert.Equal(0, h.Client.Counters.LossProbeRecoveries);
        Assert.Equal(0, h.Client.Counters.FastRecoveries);
        Assert.Equal(1, run.Conn.ReorderingWindowMultiplier);
        Assert.True(run.Conn.Cwnd >= run.CwndBeforeProbe, $"cwnd {run.Conn.Cwnd} after the probe, {run.CwndBeforeProbe} before");
    }

    [Fact]
    public void When_the_first_answer_to_the_probe_is_lost_the_second_still_ends_the_stall_without_a_timeout()
    {
        // 10 Mbit/s: the two probe segments arrive 1.2 ms apart, so the receiver answers each.
        var run = AckLossUntilProbe(2, answersLost: 1, bandwidth: 10_000_000 / 8);
        Assert.Equal(2, run.Sent.Count);
        var answers = run.H.Wire.Where(r => !r.FromClient && r.Time > run.Probe.Time).ToList();
        // The duplicate's answer comes at once and is lost; the new segment's (the receiver's delayed ACK, at most
        // 40 ms later) still comes well before the 200 ms timeout.
        Assert.True(answers[0].Time - run.Probe.Time <= OneWay * 2 + Duration.FromMilliseconds(3), answers[0].ToString());
        Assert.Contains(answers[0], run.H.Dropped);
        var second = answers[1];
        Assert.DoesNotContain(second, run.H.Dropped);
        Assert.Equal(run.Sent[1].Seq + run.Sent[1].Length, second.Ack);
        Assert.True(second.Time - run.Probe.Time <= OneWay * 2 + TcpSettings.Default.DelayedAckTimeout + Duration.FromMilliseconds(3), second.ToString());
        Assert.Equal(0, run.H.Client.Counters.RetransmissionTimeouts);
        Assert.DoesNotContain(run.H.ClientLog.Of(TcpEventKind.TimerFired), e => e.Timer == TcpTimerKind.Retransmission);
    }

    [Fact]
    public void When_the_single_answer_to_a_one_segment_probe_is_lost_the_rto_fires()
    {
        // The contrast: RFC 8985's probe of one new segment draws one answer; losing it leaves only the timeout.
        var run = AckLossUntilProbe(1, answersLost: 1, bandwidth: 10_000_000 / 8);
        var sent = Assert.Single(run.Sent);
        Assert.Equal(run.MaxBeforeProbe, sent.Seq);
        Assert.Equal(1, run.H.Client.Counters.RetransmissionTimeouts);
    }

    [Fact]
    public void A_probe_of_one_new_segment_waits_for_the_receivers_delayed_ack()
    {
        // RFC 8985 §7.3 and Linux: one segment. The receiver sends its ACK only when its delayed-ACK timer runs out.
        var run = AckLossUntilProbe(1);
        var sent = Assert.Single(run.Sent);
        var answer = run.H.Wire.First(r => !r.FromClient && r.Time > run.Probe.Time && r.Ack >= sent.Seq + sent.Length);
        Assert.True(answer.Time - run.Probe.Time >= OneWay + TcpSettings.Default.DelayedAckTimeout, $"answered {answer.Time - run.Probe.Time} after the probe");
    }

    [Fact]
    public void A_probe_whose_retransmission_repairs_a_lost_tail_reduces_the_window()
    {
        // RFC 8985 §7.4.2: the last segment itself was lost; the probe's copy fills the hole, no D-SACK comes back, so
        // the episode ends in a loss, and congestion control answers it (Linux: TCPLossProbeRecovery, CWR).
        var h = new TwoStacks(TcpSettings.Default, TcpSettings.Default) { Latency = OneWay };
        var (c, s) = ConnectedPair.Open(h);
        var conn = h.Client.Get(c);
        int mss = conn.SndMss;
        SeqNum lastSeg = conn.SndNxt + 19 * mss;
        bool dropped = false;
        int cwndAtProbe = 0;
        h.DropRule = r =>
        {
            if (r.FromClient && r.Length > 0 && r.Seq == lastSeg && !dropped)
                return dropped = true;
            if (r.FromClient && r.Seq == lastSeg)
                cwndAtProbe = conn.Cwnd;
            return false;
        };
        var data = ConnectedPair.Pattern(20 * mss);
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, data, Duration.FromSeconds(5)));
        Assert.True(h.RunUntil(() => conn.SndUna == conn.SndMax, h.Now + Duration.FromSeconds(1)), "the probe's ACK arrives");
        Assert.True(dropped);
        Assert.Equal(1, h.Client.Counters.LossProbes);
        Assert.Equal(0, h.Client.Counters.RetransmissionTimeouts);
        Assert.Equal(1, h.Client.Counters.LossProbeRecoveries);
        Assert.True(conn.Cwnd < cwndAtProbe, $"cwnd {conn.Cwnd}, {cwndAtProbe} when the probe went");
        Assert.Equal(conn.Ssthresh, conn.Cwnd);
        h.Check();
    }
}
