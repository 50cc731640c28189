using SynAck.Simulation;
using SynAck.Tcp;
using SynAck.Tests.Scenarios;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp.Recovery;

/// <summary>RACK-TLP (RFC 8985) and the Eifel undo (RFC 3522/4015) between two stacks in virtual time, read from the event stream.</summary>
public sealed class RackTlpTests
{
    private static readonly Duration OneWay = Duration.FromMilliseconds(10);

    /// <summary>Sends <paramref name="segments"/> segments with the last <paramref name="lost"/> lost once each; returns the harness after the transfer.</summary>
    private static (TwoStacks H, SynAck.Tcp.TcpConnection Conn, SeqNum FirstLost) TailLoss(int lost, TcpSettings? sender = null, int segments = 20, bool settle = true)
    {
        var h = new TwoStacks(sender, TcpSettings.Default) { Latency = OneWay };
        var (c, s) = ConnectedPair.Open(h);
        var conn = h.Client.Get(c);
        SeqNum first = conn.SndNxt;
        int mss = conn.SndMss;
        var data = ConnectedPair.Pattern(segments * mss);
        SeqNum firstLost = first + (segments - lost) * mss;
        var pending = new HashSet<SeqNum>();
        for (int i = 0; i < lost; i++)
            pending.Add(firstLost + i * mss);
        h.DropRule = r => r.FromClient && r.Length > 0 && pending.Remove(r.Seq);
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, data, Duration.FromSeconds(5)));
        Assert.Empty(pending);
        // Settled: the last ACK is in too (it changes SRTT and the RTO).
        if (settle)
            Assert.True(h.RunUntil(() => conn.SndUna == conn.SndMax, h.Now + Duration.FromSeconds(1)), "everything acknowledged");
        return (h, conn, firstLost);
    }

    /// <summary>The loss probe's timer event, the last ACK the sender took before it, and SRTT then.</summary>
    private static (TcpEvent Probe, TcpEvent LastAck) ProbeAfterLastAck(TwoStacks h)
    {
        var probe = Assert.Single(h.ClientLog.Of(TcpEventKind.TimerFired), e => e.Timer == TcpTimerKind.LossProbe);
        var lastAck = h.ClientLog.Of(TcpEventKind.SegmentReceived).Last(e => e.Time <= probe.Time);
        return (probe, lastAck);
    }

    [Fact]
    public void Losing_the_last_two_segments_is_recovered_by_a_tail_loss_probe_within_two_srtt_not_by_an_rto()
    {
        // RFC 8985 §7: PTO = 2·SRTT (+ 2 ms) after the last ACK; the probe (the last segment again) is SACKed, and RACK
        // finds the other hole lost by time (§6.2) — no retransmission timeout, no cwnd collapse.
        var (h, conn, firstLost) = TailLoss(2);
        Assert.Equal(0, h.Client.Counters.RetransmissionTimeouts);
        Assert.Equal(1, h.Client.Counters.LossProbes);
        var (probe, lastAck) = ProbeAfterLastAck(h);
        var srtt = conn.Rtt.Srtt;
        Assert.True(probe.Time - lastAck.Time <= srtt * 2 + Duration.FromMilliseconds(3), $"probe {probe.Time - lastAck.Time} after the last ACK, SRTT {srtt}");
        // Both lost segments went again, the first within one RTT (plus RACK's reordering window) of the probe.
        var again = h.Wire.Where(r => r.FromClient && r.Length > 0 && r.Seq >= firstLost && r.Time >= probe.Time).ToList();
        Assert.Contains(again, r => r.Seq == firstLost);
        Assert.True(again.Max(r => r.Time) - probe.Time <= srtt * 2, string.Join("; ", again));
        Assert.DoesNotContain(h.ClientLog.Of(TcpEventKind.TimerFired), e => e.Timer == TcpTimerKind.Retransmission);
        h.Check();
    }

    [Theory]
    [InlineData(20)] // the segment before the lost one is alone at the receiver, whose ACK of it is delayed
    [InlineData(21)] // the segment before the lost one completes a pair, whose ACK comes at once
    public void Losing_only_the_last_segment_is_recovered_by_a_tail_loss_probe_within_two_srtt_not_by_an_rto(int segments)
    {
        // RFC 8985 §7.2: PTO = 2·SRTT + 2 ms after the ACK that left the lost segment alone in flight. WCDelAckT is not
        // added: this peer has not yet been seen holding the ACK of a lone segment (LossProbeLearnsAckDelay). The probe is
        // the lost segment itself; its ACK without a D-SACK shows a real loss, so cwnd is reduced once (§7.4), not
        // collapsed to one segment by a timeout.
        var (h, conn, firstLost) = TailLoss(1, segments: segments);
        var (probe, lastAck) = ProbeAfterLastAck(h);
        var srtt = conn.Rtt.Srtt;
        var waited = probe.Time - lastAck.Time;
        Assert.True(waited <= srtt * 2 + Duration.FromMilliseconds(3), $"probe {waited} after the last ACK, SRTT {srtt}");
        var resent = h.Wire.Where(r => r.FromClient && r.Length > 0 && r.Seq == firstLost).ToList();
        Assert.Equal(2, resent.Count);
        Assert.Equal(probe.Time, resent[1].Time);
        Assert.Equal(0, h.Client.Counters.RetransmissionTimeouts);
        Assert.Equal(1, h.Client.Counters.LossProbes);
        Assert.Equal(1, h.Client.Counters.LossProbeRecoveries);
        Assert.Equal(0, h.Client.Counters.LossProbesNeedless);
        Assert.DoesNotContain(h.ClientLog.Of(TcpEventKind.TimerFired), e => e.Timer == TcpTimerKind.Retransmission);
        Assert.True(conn.Cwnd > conn.SndMss);
        h.Check();
    }

    [Fact]
    public void Losing_only_the_last_segment_is_probed_two_srtt_plus_the_peers_ack_delay_after_the_last_ack_when_wcdelackt_is_always_added()
    {
        // RFC 8985 §7.2 with the MAY taken: one segment in flight, PTO = 2·SRTT + WCDelAckT. The peer here is SynAck, whose
        // delayed ACK waits 40 ms at most; told so, the sender probes 2·SRTT + 40 ms after the ACK that left the lost
        // segment alone, well before the 200 ms RTO. The probe is the lost segment itself, no timeout fires.
        var sender = new TcpSettings { LossProbeLearnsAckDelay = false, LossProbeAckDelay = TcpSettings.Default.DelayedAckTimeout };
        var (h, conn, firstLost) = TailLoss(1, sender);
        var (probe, lastAck) = ProbeAfterLastAck(h);
        var srtt = conn.Rtt.Srtt;
        var waited = probe.Time - lastAck.Time;
        Assert.True(waited > srtt * 2 + Duration.FromMilliseconds(3), $"probe {waited} after the last ACK, SRTT {srtt}: WCDelAckT was not added");
        Assert.True(waited <= srtt * 2 + sender.LossProbeAckDelay + Duration.FromMilliseconds(1), $"probe {waited} after the last ACK, SRTT {srtt}");
        Assert.True(waited < conn.Rtt.Rto, $"probe {waited} after the last ACK, RTO {conn.Rtt.Rto}");
        var resent = h.Wire.Where(r => r.FromClient && r.Length > 0 && r.Seq == firstLost).ToList();
        Assert.Equal(2, resent.Count);
        Assert.Equal(probe.Time, resent[1].Time);
        Assert.Equal(0, h.Client.Counters.RetransmissionTimeouts);
        Assert.Equal(1, h.Client.Counters.LossProbes);
        Assert.DoesNotContain(h.ClientLog.Of(TcpEventKind.TimerFired), e => e.Timer == TcpTimerKind.Retransmission);
        Assert.True(conn.Cwnd > conn.SndMss);
        h.Check();
    }

    [Fact]
    public void As_linux_with_the_default_worst_case_ack_delay_always_added_a_lone_tail_is_probed_at_the_rto_time_instead_of_the_rto()
    {
        // RFC 8985 §7.2 WCDelAckT = 200 ms on every lone segment (Linux adds tcp_rto_min; drill runs SynAck so): 2·SRTT +
        // 200 ms lies beyond the RTO (200 ms minimum), so the PTO is clamped to the RTO's time and the probe goes instead
        // of the timeout: no cwnd collapse, no RTO counted.
        var (h, conn, firstLost) = TailLoss(1, new TcpSettings { LossProbeLearnsAckDelay = false }, settle: false);
        var (probe, lastAck) = ProbeAfterLastAck(h);
        var srtt = conn.Rtt.Srtt;
        Assert.True(srtt * 2 + TcpSettings.Default.LossProbeAckDelay > conn.Rtt.Rto);
        Assert.Equal(conn.Rtt.Rto, probe.Time - lastAck.Time);
        Assert.Equal(0, h.Client.Counters.RetransmissionTimeouts);
        Assert.Equal(1, h.Client.Counters.LossProbes);
        Assert.True(conn.Cwnd > conn.SndMss);
        Assert.Equal(2, h.Wire.Count(r => r.FromClient && r.Length > 0 && r.Seq == firstLost));
        Assert.DoesNotContain(h.ClientLog.Of(TcpEventKind.TimerFired), e => e.Timer == TcpTimerKind.Retransmission);
        h.Check();
    }

    [Fact]
    public void A_spurious_timeout_is_undone_when_the_ack_echoes_the_original_transmission()
    {
        // RFC 3522 §3.2 / RFC 4015: the ACK that arrives after the timeout carries the TSval of the first transmission,
        // so the segment was delayed, not lost: cwnd and ssthresh return to their values before the timeout.
        var rig = new ScenarioRig();
        var (c, _) = rig.Open();
        var conn = rig.Client.Get(c);
        Assert.True(conn.TimestampsOk);
        int cwnd = conn.Cwnd;
        int ssthresh = conn.Ssthresh;
        // The path back from the server slows to 400 ms one way, more than the 200 ms RTO: the data is not lost, its ACK is late.
        rig.Net.SetProfile("server", "client", new LinkProfile { Latency = Duration.FromMilliseconds(400) });
        Assert.Equal(1000, rig.Client.Send(c, new byte[1000], rig.Now));
        Assert.True(rig.Net.RunUntil(() => rig.Client.Counters.RetransmissionTimeouts > 0, rig.Now + Duration.FromSeconds(1)));
        Assert.Equal(conn.SndMss, conn.Cwnd);
        rig.Net.SetProfile("server", "client", new LinkProfile { Latency = ScenarioRig.OneWay });
        Assert.True(rig.Net.RunUntil(() => conn.SndUna == conn.SndMax, rig.Now + Duration.FromSeconds(2)));
        Assert.Equal(1, rig.Client.Counters.SpuriousRtos);
        Assert.Equal(cwnd, conn.Cwnd);
        Assert.Equal(ssthresh, conn.Ssthresh);
        rig.CheckTransitions();
    }
}
