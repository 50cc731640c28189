using SynAck.Simulation;
using SynAck.Tcp;
using SynAck.Tests.Scenarios;
using SynAck.Time;

namespace SynAck.Tests.Tcp.Recovery;

/// <summary>RFC 8985 §6.2 with RFC 2883: a reordered segment, D-SACK, and a reordering window that adapts.</summary>
public sealed class ReorderingTests
{
    [Fact]
    public void Reordered_segments_cause_no_retransmission_once_the_reordering_window_has_adapted()
    {
        // RTT 20 ms (plus queueing): reo_wnd starts at min_RTT / 4 = 5 ms. Every 150th data segment is held 8 ms, so later ones overtake it.
        // The first time DupThresh SACKed segments declare it lost and it is resent needlessly; the receiver reports the
        // duplicate with a D-SACK, which shows reordering: from then on RACK's time rule alone decides, with a window of
        // 2 · 5 ms, longer than the 8 ms hold — no further retransmission, and the needless recovery's cwnd cut is undone.
        // (The held segments are far apart: a hole inside a recovery still counts as lost at once — see TcpConnection.Sack.)
        // 10 Mbit/s (a segment each 1.2 ms): the held segments are about 180 ms, many round trips, apart.
        var rig = new ScenarioRig(link: new LinkProfile { Latency = ScenarioRig.OneWay, BandwidthBitsPerSecond = 10_000_000 });
        var (c, s) = rig.Open();
        var conn = rig.Client.Get(c);
        const int held = 5;
        for (int k = 1; k <= held; k++)
            rig.Net.AddRule(PacketRule.DelayNth(new PacketMatch { From = "client" }, 150 * k, Duration.FromMilliseconds(8)));
        var data = ScenarioRig.Pattern(1000 * conn.SndMss, 5);
        Assert.Equal(data, rig.Transfer(rig.Client, c, rig.Server, s, data, Duration.FromSeconds(20)));

        var n = rig.Client.Counters;
        string report = $"retransmitted {n.RetransSegs}, D-SACKs {n.DsacksReceived}, undone {n.SpuriousRecoveries}, recoveries {n.FastRecoveries}, reo_wnd x{conn.ReorderingWindowMultiplier}, RTOs {n.RetransmissionTimeouts}, probes {n.LossProbes}";
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Assert.Equal(held, rig.Net.Counters.Of(SimEventKind.Delayed));
        Assert.True(n.RetransSegs == 1, report);
        Assert.Equal(1, rig.Client.Counters.DsacksReceived);
        Assert.Equal(1, rig.Client.Counters.SpuriousRecoveries);
        Assert.Equal(2, conn.ReorderingWindowMultiplier);
        Assert.Equal(0, rig.Client.Counters.RetransmissionTimeouts);
        rig.CheckTransitions();
    }
}
