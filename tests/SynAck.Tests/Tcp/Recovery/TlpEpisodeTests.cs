using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp.Recovery;

/// <summary>
/// RFC 8985 §7.4: a tail loss probe that retransmits opens an episode; how the receiver answers it says whether a
/// segment was lost. Crafted answers in the form Linux's receiver gives them (its D-SACK block counts a FIN).
/// </summary>
public sealed class TlpEpisodeTests
{
    /// <summary>SynAck sends 3,000 bytes and its FIN; no ACK comes until the loss probe (the last segment and the FIN again) has gone.</summary>
    private static (CraftedPeer P, SeqNum DataStart, SegmentRecord Probe, int Cwnd) ProbeAfterSilence()
    {
        var p = new CraftedPeer(new TcpSettings { Timestamps = false });
        var synAck = p.ToEstablishedWithSack(1000, Duration.FromMilliseconds(10)); // a 10 ms round trip for SRTT
        var h = p.Handle;
        Assert.Equal(3000, p.Stack.Send(h, new byte[3000], p.Now));
        p.Stack.Close(h, p.Now);
        var sent = p.Poll();
        var fin = Assert.Single(sent, s => s.Has(TcpFlags.Fin));
        Assert.Equal(1000, fin.Length); // the FIN went with the last data
        int cwnd = p.Connection.Cwnd;
        SegmentRecord? probe = null;
        for (int i = 0; i < 100 && probe is null; i++)
        {
            p.Advance(Duration.FromMilliseconds(1));
            probe = p.Poll().SingleOrDefault();
        }
        Assert.NotNull(probe);
        Assert.Equal(1, p.Stack.Counters.LossProbes);
        Assert.Equal(fin.Seq, probe.Seq);
        Assert.True(probe.Has(TcpFlags.Fin) && probe.Length == 1000, probe.ToString());
        return (p, synAck.Seq + 1, probe, cwnd);
    }

    [Fact]
    public void A_dsack_for_the_probe_ends_the_episode_without_a_loss_and_is_not_taken_as_reordering()
    {
        var (p, dataStart, probe, cwnd) = ProbeAfterSilence();
        SeqNum finEnd = probe.Seq + probe.Length + 1;
        // The original had arrived (its ACK was lost): the answer carries a D-SACK for the probe, FIN included.
        var dsack = new TcpOptions();
        dsack.AddSackBlock(new SackBlock(probe.Seq, finEnd));
        p.Advance(Duration.FromMilliseconds(10));
        p.Deliver(TcpFlags.Ack, new SeqNum(p.PeerIss + 1), finEnd, options: dsack);
        p.Poll();
        var c = p.Connection;
        Assert.Equal(1, p.Stack.Counters.DsacksReceived);
        Assert.Equal(0, p.Stack.Counters.LossProbeRecoveries);
        Assert.Equal(cwnd, c.Cwnd);
        Assert.Equal(1, c.ReorderingWindowMultiplier);
        Assert.Equal(TcpState.FinWait2, p.State);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void An_ack_of_the_probe_without_a_dsack_is_a_repaired_loss_and_reduces_the_window()
    {
        var (p, dataStart, probe, cwnd) = ProbeAfterSilence();
        SeqNum finEnd = probe.Seq + probe.Length + 1;
        p.Advance(Duration.FromMilliseconds(10));
        p.Deliver(TcpFlags.Ack, new SeqNum(p.PeerIss + 1), finEnd);
        p.Poll();
        var c = p.Connection;
        Assert.Equal(1, p.Stack.Counters.LossProbeRecoveries);
        Assert.True(c.Cwnd < cwnd, $"cwnd {c.Cwnd}, {cwnd} before");
        Assert.Equal(c.Ssthresh, c.Cwnd);
        Assert.Equal(0, p.Stack.Counters.RetransmissionTimeouts);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void An_ack_from_before_the_probe_that_stops_short_of_its_retransmission_leaves_the_episode_open()
    {
        var (p, dataStart, probe, cwnd) = ProbeAfterSilence();
        p.Advance(Duration.FromMilliseconds(10));
        // The first two segments' ACK, late: it says nothing about the probe.
        p.Deliver(TcpFlags.Ack, new SeqNum(p.PeerIss + 1), probe.Seq);
        p.Poll();
        Assert.Equal(0, p.Stack.Counters.LossProbeRecoveries);
        Assert.Equal(cwnd, p.Connection.Cwnd);
        // Then the D-SACK for the probe: no loss.
        var dsack = new TcpOptions();
        dsack.AddSackBlock(new SackBlock(probe.Seq, probe.Seq + probe.Length + 1));
        p.Deliver(TcpFlags.Ack, new SeqNum(p.PeerIss + 1), probe.Seq + probe.Length + 1, options: dsack);
        p.Poll();
        Assert.Equal(0, p.Stack.Counters.LossProbeRecoveries);
        Assert.Equal(cwnd, p.Connection.Cwnd);
        p.Checker.ThrowIfViolated();
    }
}
