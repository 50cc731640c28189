using SynAck.Simulation;
using SynAck.Tests.Simulation.Fakes;
using SynAck.Time;

namespace SynAck.Tests.Simulation;

public sealed class DeterminismTests
{
    private static readonly LinkProfile Hostile = new()
    {
        Latency = Duration.FromMilliseconds(7L),
        Jitter = Duration.FromMilliseconds(3L),
        BandwidthBitsPerSecond = 10_000_000,
        QueueLimitBytes = 20_000,
        Loss = 0.1,
        Duplication = 0.05,
        Reordering = 0.05,
        Corruption = 0.05,
    };

    private static (ulong Hash, long Events, string Counters) Run(ulong seed)
    {
        var pair = new Pair(Hostile, seed: seed, echo: true);
        pair.Network.AddRule(PacketRule.DelayNth(new PacketMatch { From = "a" }, 17, Duration.FromMilliseconds(40L)));
        pair.Network.AddRule(PacketRule.DuplicateNth(new PacketMatch { From = "b" }, 5));
        var random = pair.Network.CreateRandom("traffic");
        for (int i = 0; i < 2_000; i++)
            pair.A.SendAt(Instant.FromMilliseconds(random.NextInt32(0, 2_000)), pair.AToB(i, random.NextInt32(28, 1500)));
        pair.Network.CrashAt(Instant.FromMilliseconds(900), "b");
        pair.Network.RestartAt(Instant.FromMilliseconds(1100), "b", new ScriptedHost { Echo = true });
        pair.Network.RunUntil(Instant.FromMilliseconds(3_000));
        return (pair.Hash.Value, pair.Hash.EventCount, pair.Network.Counters.ToString());
    }

    [Fact]
    public void SameSeedReplaysTheSameTrace()
    {
        var first = Run(2024);
        var second = Run(2024);
        Assert.Equal(first, second);
        Assert.True(first.Events > 4_000);
    }

    [Fact]
    public void DifferentSeedsGiveDifferentTraces()
    {
        Assert.NotEqual(Run(2024).Hash, Run(2025).Hash);
    }

    [Fact]
    public void AddingALinkDoesNotDisturbTheOtherLinksRandomStreams()
    {
        var lone = new Pair(new LinkProfile { Loss = 0.5 }, seed: 5);
        var crowded = new Pair(new LinkProfile { Loss = 0.5 }, seed: 5);
        crowded.Network.AddHost("c", SynAck.Wire.IpAddress.V4(198, 18, 0, 3), new ScriptedHost());
        crowded.Network.Connect("c", "a", new LinkProfile { Loss = 0.5 });
        for (int i = 0; i < 200; i++)
        {
            lone.A.SendAt(Instant.FromMilliseconds(i), lone.AToB(i));
            crowded.A.SendAt(Instant.FromMilliseconds(i), crowded.AToB(i));
        }
        lone.Network.RunUntil(Instant.FromMilliseconds(300));
        crowded.Network.RunUntil(Instant.FromMilliseconds(300));

        Assert.Equal(lone.B.Received.Select(r => RawPacket.Tag(r.Packet)), crowded.B.Received.Select(r => RawPacket.Tag(r.Packet)));
    }

    [Fact]
    public void TraceHashSeesEveryPacketByte()
    {
        var a = new TraceHasher();
        var b = new TraceHasher();
        var e = new SimEvent(SimEventKind.Sent, Instant.Zero, 1, "a", "b", SimReason.None, Duration.Zero, 3, 0);
        a.OnEvent(e, [1, 2, 3]);
        b.OnEvent(e, [1, 2, 4]);
        Assert.NotEqual(a.Value, b.Value);
    }
}
