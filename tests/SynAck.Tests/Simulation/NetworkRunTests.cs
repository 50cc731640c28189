using SynAck.Simulation;
using SynAck.Stack;
using SynAck.Tests.Simulation.Fakes;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Simulation;

public sealed class NetworkRunTests
{
    private static Instant Ms(double ms) => Instant.FromMilliseconds(ms);

    [Fact]
    public void RunUntilAdvancesTheClockEvenWhenIdle()
    {
        var pair = new Pair(LinkProfile.Ideal);
        pair.Network.RunUntil(Ms(250));
        Assert.Equal(Ms(250), pair.Network.Now);
        pair.Network.RunFor(Duration.FromSeconds(1L));
        Assert.Equal(Ms(1250), pair.Network.Now);
        Assert.Throws<ArgumentOutOfRangeException>(() => pair.Network.RunUntil(Ms(1)));
    }

    [Fact]
    public void RunUntilStopsAtTheLimitAndLeavesLaterEventsQueued()
    {
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(10L) });
        pair.A.SendAt(Ms(0), pair.AToB(1));
        pair.Network.RunUntil(Ms(9.999));
        Assert.Empty(pair.B.Received);
        Assert.Equal(1, pair.Network.PendingEvents);
        Assert.Equal(Ms(10), pair.Network.NextEventTime);
        pair.Network.RunUntil(Ms(10));
        Assert.Single(pair.B.Received);
    }

    [Fact]
    public void RunUntilConditionStopsAtTheStepThatMadeItTrue()
    {
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(10L) }, echo: true);
        pair.A.SendAt(Ms(1), pair.AToB(1));
        bool held = pair.Network.RunUntil(() => pair.A.Received.Count > 0, Ms(1000));

        Assert.True(held);
        Assert.Equal(Ms(21), pair.Network.Now);
    }

    [Fact]
    public void RunUntilConditionReturnsFalseAtTheLimit()
    {
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(10L) });
        bool held = pair.Network.RunUntil(() => pair.A.Received.Count > 0, Ms(500));

        Assert.False(held);
        Assert.Equal(Ms(500), pair.Network.Now);
    }

    [Fact]
    public void RunUntilIdleReportsIdleness()
    {
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(10L) }, echo: true);
        pair.A.SendAt(Ms(0), pair.AToB(1));
        Assert.True(pair.Network.RunUntilIdle(Ms(1000)));
        Assert.Equal(Ms(20), pair.Network.Now);
        Assert.True(pair.Network.IsIdle);

        pair.A.SendAt(Ms(5000), pair.AToB(2));
        Assert.False(pair.Network.RunUntilIdle(Ms(1000)));
        Assert.Equal(Ms(1000), pair.Network.Now);
    }

    [Fact]
    public void StepRunsOneThingAtATime()
    {
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(10L) });
        pair.A.SendAt(Ms(2), pair.AToB(1));
        Assert.True(pair.Network.Step());   // a's deadline: it sends
        Assert.Equal(Ms(2), pair.Network.Now);
        Assert.Empty(pair.B.Received);
        Assert.True(pair.Network.Step());   // the arrival at b
        Assert.Equal(Ms(12), pair.Network.Now);
        Assert.Single(pair.B.Received);
        Assert.False(pair.Network.Step());
    }

    [Fact]
    public void SimultaneousEventsRunInTheOrderScheduled()
    {
        var pair = new Pair(LinkProfile.Ideal);
        var order = new List<int>();
        for (int i = 0; i < 5; i++)
        {
            int k = i;
            pair.Network.At(Ms(7), () => order.Add(k));
        }
        pair.Network.At(Ms(3), () => order.Add(-1));
        pair.Network.RunUntil(Ms(10));

        Assert.Equal([-1, 0, 1, 2, 3, 4], order);
    }

    [Fact]
    public void ActionsRunAtTheirTimeAndTheHostsArePolledAfterwards()
    {
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(1L) });
        // The action queues a packet "now"; the poll that follows sends it without waiting for a deadline check.
        pair.Network.At(Ms(4), () => pair.A.SendAt(pair.Network.Now, pair.AToB(9)));
        pair.Network.RunUntil(Ms(10));

        Assert.Equal(Ms(5), Assert.Single(pair.B.Received).Time);
    }

    [Fact]
    public void PacketToAnUnknownAddressIsDroppedAsNoRoute()
    {
        var pair = new Pair(LinkProfile.Ideal);
        pair.A.SendAt(Ms(0), RawPacket.V4(Pair.AddressA, IpAddress.V4(203, 0, 113, 9), 1));
        pair.A.SendAt(Ms(0), [0x45, 0, 0]);
        pair.Network.RunUntil(Ms(1));

        Assert.Equal(2, pair.Network.Counters.Dropped(SimReason.NoRoute));
    }

    [Fact]
    public void PacketBetweenHostsWithoutALinkIsDroppedAsNoRoute()
    {
        var pair = new Pair(LinkProfile.Ideal);
        pair.Network.AddHost("c", IpAddress.V4(198, 18, 0, 3), new ScriptedHost());
        pair.A.SendAt(Ms(0), RawPacket.V4(Pair.AddressA, IpAddress.V4(198, 18, 0, 3), 1));
        pair.Network.RunUntil(Ms(1));

        var drop = Assert.Single(pair.Log.Events, e => e.Kind == SimEventKind.Dropped);
        Assert.Equal(SimReason.NoRoute, drop.Reason);
        Assert.Equal("c", drop.To);
    }

    [Fact]
    public void HostsAndAddressesAreUnique()
    {
        var net = new Network(1);
        net.AddHost("a", Pair.AddressA, new ScriptedHost());
        Assert.Throws<ArgumentException>(() => net.AddHost("a", Pair.AddressB, new ScriptedHost()));
        Assert.Throws<ArgumentException>(() => net.AddHost("b", Pair.AddressA, new ScriptedHost()));
        Assert.Throws<ArgumentException>(() => net.Host("zz"));
    }

    [Fact]
    public void AnEndpointWhoseDeadlineNeverMovesIsReportedInsteadOfHanging()
    {
        var net = new Network(77);
        net.AddHost("stuck", Pair.AddressA, new StuckEndpoint());
        var ex = Assert.Throws<InvalidOperationException>(() => net.RunUntil(Ms(1)));
        Assert.Contains("stuck", ex.Message, StringComparison.Ordinal);
        Assert.Contains("seed 77", ex.Message, StringComparison.Ordinal);
    }

    private sealed class StuckEndpoint : IPacketEndpoint
    {
        public Instant NextDeadline => Instant.Zero;

        public void Deliver(ReadOnlySpan<byte> ipPacket, Instant now)
        {
        }

        public void Poll(Instant now, IPacketSink sink)
        {
        }
    }
}
