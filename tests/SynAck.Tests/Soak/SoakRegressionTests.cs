using SynAck.Simulation;
using SynAck.Tcp;
using SynAck.Tests.Scenarios;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Soak;

/// <summary>Small deterministic reproductions of failures the soak found.</summary>
public sealed class SoakRegressionTests(ITestOutputHelper output)
{
    /// <summary>
    /// Both sides send a window of data at once and every pure ACK is lost until both retransmission timers
    /// have fired. Each side received all of the other's data, but neither knows its own data arrived.
    /// After the losses stop, the first ACK that gets through must let both finish.
    /// The soak found a version of the engine where it did not: on the RTO each side rewound SND.NXT to SND.UNA, so
    /// its pure ACKs carried a sequence number below the peer's RCV.NXT, failed the peer's acceptability test
    /// (RFC 9293 §3.10.7.4) and were dropped with their ACK field unread; each drop was answered with another such
    /// ACK, an endless exchange every RTT, and neither side learnt that its data had arrived until the retry limit
    /// killed the connection (a third of the soak's connections failed that way).
    /// </summary>
    [Fact]
    public void BothSidesTimeOutWithTheirDataAlreadyReceivedAndStillRecover()
    {
        var rig = new ScenarioRig();
        var (c, s) = rig.Open();
        rig.Net.RunFor(Duration.FromMilliseconds(100));
        // Ten segments each: the whole initial window (RFC 6928), 1,448 bytes each with RFC 7323 timestamps on.
        var up = ScenarioRig.Pattern(14_480, 1);
        var down = ScenarioRig.Pattern(14_480, 2);
        var lostAcks = rig.Net.AddRule(PacketRule.DropAll(PacketMatch.PureAck()));
        Assert.Equal(up.Length, rig.Client.Send(c, up, rig.Now));
        Assert.Equal(down.Length, rig.Server.Send(s, down, rig.Now));
        var gotUp = new List<byte>();
        var gotDown = new List<byte>();
        var buffer = new byte[65536];
        bool Drain()
        {
            int n;
            while ((n = rig.Server.Receive(s, buffer, rig.Net.Now)) > 0)
                gotUp.AddRange(buffer.AsSpan(0, n));
            while ((n = rig.Client.Receive(c, buffer, rig.Net.Now)) > 0)
                gotDown.AddRange(buffer.AsSpan(0, n));
            return rig.Client.SendQueued(c) == 0 && rig.Server.SendQueued(s) == 0;
        }
        // Run until both sides have retransmitted (the RTO fired on both), then let ACKs through again.
        Assert.True(rig.Net.RunUntil(() => { Drain(); return rig.Client.Counters.RetransSegs > 0 && rig.Server.Counters.RetransSegs > 0; }, rig.Now + Duration.FromSeconds(5)));
        Assert.Equal(up, gotUp);
        Assert.Equal(down, gotDown);
        rig.Net.RemoveRule(lostAcks);
        bool done = rig.Net.RunUntil(Drain, rig.Now + Duration.FromSeconds(60));

        if (!done)
        {
            foreach (var seg in rig.Segments.Where(x => x.Length == 0 || x.Dropped || x.Time > ScenarioRig.At(300)).Take(40))
                output.WriteLine(seg.ToString());
        }
        Assert.True(done, $"after 60 s the client still has {rig.Client.SendQueued(c)} bytes unacknowledged and the server {rig.Server.SendQueued(s)} (retransmissions: client {rig.Client.Counters.RetransSegs}, server {rig.Server.Counters.RetransSegs}; out-of-window drops: client {rig.Client.Counters.Drops(TcpDropReason.OutOfWindow)}, server {rig.Server.Counters.Drops(TcpDropReason.OutOfWindow)})");
        // And no ACK war: a handful of out-of-window drops at most, not one per RTT for a minute.
        Assert.True(rig.Client.Counters.Drops(TcpDropReason.OutOfWindow) + rig.Server.Counters.Drops(TcpDropReason.OutOfWindow) < 20);
        rig.CheckTransitions();
    }
}
