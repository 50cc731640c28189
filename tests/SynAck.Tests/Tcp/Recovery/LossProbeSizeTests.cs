using SynAck.Tcp;
using SynAck.Tests.Scenarios;
using SynAck.Tests.Stack;
using SynAck.Time;

namespace SynAck.Tests.Tcp.Recovery;

/// <summary>
/// The size of a tail loss probe of new data (<see cref="TcpSettings.LossProbeSegments"/>). When every ACK of a flight
/// is lost, the receiver holds all the data and a probe of one new segment is the only thing it has not acknowledged:
/// a receiver past its quick-ACK phase delays that ACK (RFC 1122 §4.2.3.2; Linux 40 ms). Two full-sized segments
/// oblige it to answer at once (RFC 5681 §4.2, RFC 9293 §3.8.6.3), so the stall costs one round trip.
/// </summary>
public sealed class LossProbeSizeTests
{
    private static readonly Duration OneWay = Duration.FromMilliseconds(5);

    /// <summary>Sends 60 segments; the receiver's ACKs are lost from the 11th segment on until the sender probes.</summary>
    private static (TwoStacks H, TcpEvent Probe) AckLossUntilProbe(int probeSegments)
    {
        var receiver = new TcpSettings { QuickAckSegments = 0 };
        var h = new TwoStacks(new TcpSettings { LossProbeSegments = probeSegments }, receiver) { Latency = OneWay };
        var (c, s) = ConnectedPair.Open(h);
        var conn = h.Client.Get(c);
        int mss = conn.SndMss;
        var firstAckLost = conn.SndNxt + 10 * mss;
        bool Probed() => h.ClientLog.Of(TcpEventKind.TimerFired).Any(e => e.Timer == TcpTimerKind.LossProbe);
        h.DropRule = r => !r.FromClient && r.Ack > firstAckLost && !Probed();
        var data = ConnectedPair.Pattern(60 * mss);
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, data, Duration.FromSeconds(5)));
        var probe = h.ClientLog.Of(TcpEventKind.TimerFired).First(e => e.Timer == TcpTimerKind.LossProbe);
        Assert.Equal(0, h.Client.Counters.RetransmissionTimeouts);
        h.Check();
        return (h, probe);
    }

    [Fact]
    public void A_probe_of_two_new_segments_is_acknowledged_within_one_round_trip()
    {
        var (h, probe) = AckLossUntilProbe(2);
        var sent = h.Wire.Where(r => r.FromClient && r.Length > 0 && r.Time == probe.Time).ToList();
        Assert.Equal(2, sent.Count);
        Assert.True(sent[1].Seq == sent[0].Seq + sent[0].Length, "the probe is two consecutive new segments");
        var answer = h.Wire.First(r => !r.FromClient && r.Time > probe.Time && r.Ack >= sent[1].Seq + sent[1].Length);
        Assert.True(answer.Time - probe.Time <= OneWay + Duration.FromMilliseconds(1), $"answered {answer.Time - probe.Time} after the probe");
    }

    [Fact]
    public void A_probe_of_one_new_segment_waits_for_the_receivers_delayed_ack()
    {
        // RFC 8985 §7.3 and Linux: one segment. The receiver sends its ACK only when its delayed-ACK timer runs out.
        var (h, probe) = AckLossUntilProbe(1);
        var sent = Assert.Single(h.Wire, r => r.FromClient && r.Length > 0 && r.Time == probe.Time);
        var answer = h.Wire.First(r => !r.FromClient && r.Time > probe.Time && r.Ack >= sent.Seq + sent.Length);
        Assert.True(answer.Time - probe.Time >= OneWay + TcpSettings.Default.DelayedAckTimeout, $"answered {answer.Time - probe.Time} after the probe");
    }
}
