using SynAck.Simulation;
using SynAck.Tcp;
using SynAck.Tests.Scenarios;
using SynAck.Time;

namespace SynAck.Tests.Tcp.Congestion;

/// <summary>HyStart++ (RFC 9406) on the simulator: a bottleneck with a queue, slow start watched against it.</summary>
public sealed class HyStartTests
{
    [Fact]
    public void HyStart_leaves_slow_start_before_the_first_loss_on_a_100_ms_50_mbit_path_with_a_one_bdp_queue()
    {
        // BDP = 50 Mbit/s · 100 ms = 625,000 bytes; the queue holds one BDP. Plain slow start doubles into the queue until
        // it overflows (cwnd ≈ 2 BDP); HyStart++ sees the round's minimum RTT rise and leaves standard slow start first.
        const int bdp = 625_000;
        var settings = new TcpSettings { SendBufferSize = 8 * bdp, ReceiveBufferSize = 8 * bdp };
        var link = new LinkProfile { Latency = Duration.FromMilliseconds(50), BandwidthBitsPerSecond = 50_000_000, QueueLimitBytes = bdp };
        var rig = new ScenarioRig(settings, settings, link: link);
        var (c, s) = rig.Open();
        var conn = rig.Client.Get(c);
        var chunk = new byte[256 * 1024];
        var sink = new byte[256 * 1024];
        Instant? exitedAt = null;
        rig.Net.RunUntil(() =>
        {
            while (rig.Client.Send(c, chunk, rig.Net.Now) > 0)
            {
            }
            while (rig.Server.Receive(s, sink, rig.Net.Now) > 0)
            {
            }
            if (exitedAt is null && conn.Congestion.HyStartExited)
                exitedAt = rig.Net.Now;
            return rig.Net.Counters.Of(SimEventKind.Dropped) > 0 || rig.Client.Counters.RetransSegs > 0;
        }, rig.Now + Duration.FromSeconds(20));

        Instant? firstDrop = rig.Log.Events.Where(e => e.Kind == SimEventKind.Dropped).Select(e => (Instant?)e.Time).FirstOrDefault();
        Assert.NotNull(exitedAt);
        Assert.True(firstDrop is null || exitedAt < firstDrop, $"HyStart++ left slow start at {exitedAt}, first loss at {firstDrop}");
        TestContext.Current.TestOutputHelper?.WriteLine($"slow start left at {exitedAt}; first drop at {firstDrop}; cwnd {conn.Cwnd}, ssthresh {conn.Ssthresh}");
    }
}
