using SynAck.Simulation;
using SynAck.Tests.Simulation.Fakes;
using SynAck.Time;

namespace SynAck.Tests.Simulation;

public sealed class CrashRestartTests
{
    private static Instant Ms(double ms) => Instant.FromMilliseconds(ms);

    [Fact]
    public void CrashedHostLosesArrivingPacketsAndIsNotPolled()
    {
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(10L) });
        pair.A.SendAt(Ms(0), pair.AToB(1));   // arrives at 10, before the crash
        pair.A.SendAt(Ms(15), pair.AToB(2));  // arrives at 25, after the crash
        pair.B.SendAt(Ms(30), pair.BToA(3));  // never sent: b is down
        pair.Network.CrashAt(Ms(20), "b");
        pair.Network.RunUntil(Ms(100));

        Assert.Equal(1L, RawPacket.Tag(Assert.Single(pair.B.Received).Packet));
        Assert.Empty(pair.A.Received);
        Assert.All(pair.B.Polls, t => Assert.True(t < Ms(20)));
        var drop = Assert.Single(pair.Log.Events, e => e.Kind == SimEventKind.Dropped);
        Assert.Equal(SimReason.Crash, drop.Reason);
        Assert.Equal(Ms(25), drop.Time);
        Assert.True(pair.Network.Host("b").IsCrashed);
    }

    [Fact]
    public void PacketsAlreadyOnTheWireFromACrashedHostStillArrive()
    {
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(10L) });
        pair.B.SendAt(Ms(0), pair.BToA(1));
        pair.Network.CrashAt(Ms(5), "b");
        pair.Network.RunUntil(Ms(100));

        Assert.Equal(Ms(10), Assert.Single(pair.A.Received).Time);
    }

    [Fact]
    public void RestartedHostRunsTheFreshEndpoint()
    {
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(10L) });
        var fresh = new ScriptedHost { Echo = true };
        pair.A.SendAt(Ms(15), pair.AToB(1));   // arrives at 25 while b is down
        pair.A.SendAt(Ms(35), pair.AToB(2));   // arrives at 45 at the fresh endpoint
        pair.Network.CrashAt(Ms(20), "b");
        pair.Network.RestartAt(Ms(30), "b", fresh);
        pair.Network.RunUntil(Ms(100));

        Assert.Empty(pair.B.Received);
        Assert.Equal(2L, RawPacket.Tag(Assert.Single(fresh.Received).Packet));
        Assert.Same(fresh, pair.Network.Host("b").Endpoint);
        Assert.False(pair.Network.Host("b").IsCrashed);
        Assert.Equal(Ms(55), Assert.Single(pair.A.Received).Time);
        Assert.Equal(
            [SimEventKind.Sent, SimEventKind.HostCrashed, SimEventKind.Dropped, SimEventKind.HostRestarted, SimEventKind.Sent, SimEventKind.Delivered, SimEventKind.Sent, SimEventKind.Delivered],
            pair.Log.Events.Select(e => e.Kind));
    }
}
