using SynAck.Simulation;
using SynAck.Tests.Simulation.Fakes;
using SynAck.Time;

namespace SynAck.Tests.Simulation;

public sealed class LinkTests
{
    private static Instant Ms(double ms) => Instant.FromMilliseconds(ms);

    [Fact]
    public void LatencyDelaysEachPacketByExactlyTheLatency()
    {
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(10L) });
        pair.A.SendAt(Ms(0), pair.AToB(1));
        pair.A.SendAt(Ms(3.5), pair.AToB(2));
        pair.Network.RunUntil(Ms(100));

        Assert.Equal([Ms(10), Ms(13.5)], pair.B.Received.Select(r => r.Time));
        Assert.Equal([1L, 2L], pair.B.Received.Select(r => RawPacket.Tag(r.Packet)));
    }

    [Fact]
    public void BandwidthSerializesPacketsBackToBack()
    {
        // 1,000 bytes at 8 Mbit/s take exactly 1 ms on the wire.
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(10L), BandwidthBitsPerSecond = 8_000_000 });
        for (int i = 0; i < 3; i++)
            pair.A.SendAt(Ms(0), pair.AToB(i, 1000));
        pair.A.SendAt(Ms(20), pair.AToB(3, 500));
        pair.Network.RunUntil(Ms(100));

        Assert.Equal([Ms(11), Ms(12), Ms(13), Ms(30.5)], pair.B.Received.Select(r => r.Time));
    }

    [Fact]
    public void SerializationTimeRoundsUpToTheNanosecond()
    {
        // 100 bytes at 3 Mbit/s: 800 bits / 3e6 = 266,666.67 ns, so 266,667 ns.
        var pair = new Pair(new LinkProfile { BandwidthBitsPerSecond = 3_000_000 });
        pair.A.SendAt(Ms(0), pair.AToB(1, 100));
        pair.Network.RunUntil(Ms(1));

        Assert.Equal(new Instant(266_667), Assert.Single(pair.B.Received).Time);
    }

    [Fact]
    public void FullQueueDropsTail()
    {
        var pair = new Pair(new LinkProfile { BandwidthBitsPerSecond = 8_000_000, QueueLimitBytes = 2500 });
        for (int i = 0; i < 4; i++)
            pair.A.SendAt(Ms(0), pair.AToB(i, 1000));
        // One packet has drained by 1 ms, so the queue has room for exactly one more.
        pair.A.SendAt(Ms(1), pair.AToB(4, 1000));
        pair.A.SendAt(Ms(1), pair.AToB(5, 1000));
        pair.Network.RunUntil(Ms(100));

        Assert.Equal([0L, 1L, 4L], pair.B.Received.Select(r => RawPacket.Tag(r.Packet)));
        Assert.Equal(3, pair.Log.CountDropped(SimReason.QueueFull));
        Assert.Equal(3, pair.Network.Counters.Dropped(SimReason.QueueFull));
    }

    [Fact]
    public void PacketsLargerThanTheMtuAreDroppedAndCounted()
    {
        var pair = new Pair(new LinkProfile { Mtu = 576 });
        pair.A.SendAt(Ms(0), pair.AToB(1, 577));
        pair.A.SendAt(Ms(0), pair.AToB(2, 576));
        pair.Network.RunUntil(Ms(1));

        Assert.Equal(2L, RawPacket.Tag(Assert.Single(pair.B.Received).Packet));
        var drop = Assert.Single(pair.Log.Events, e => e.Kind == SimEventKind.Dropped);
        Assert.Equal(SimReason.Mtu, drop.Reason);
        Assert.Equal(577, drop.Length);
    }

    [Fact]
    public void DirectionsHaveTheirOwnProfiles()
    {
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(5L) }, new LinkProfile { Latency = Duration.FromMilliseconds(50L) });
        pair.A.SendAt(Ms(0), pair.AToB(1));
        pair.B.SendAt(Ms(0), pair.BToA(2));
        pair.Network.RunUntil(Ms(100));

        Assert.Equal(Ms(5), Assert.Single(pair.B.Received).Time);
        Assert.Equal(Ms(50), Assert.Single(pair.A.Received).Time);
    }

    [Fact]
    public void LossRateOnTenThousandPacketsIsWithinFiveStandardDeviations()
    {
        const int N = 10_000;
        var pair = new Pair(new LinkProfile { Loss = 0.2 }, seed: 12345);
        for (int i = 0; i < N; i++)
            pair.A.SendAt(Ms(i * 0.01), pair.AToB(i));
        pair.Network.RunUntil(Ms(1000));

        long lost = pair.Network.Counters.Dropped(SimReason.Loss);
        // Binomial(10,000, 0.2): mean 2,000, standard deviation 40.
        Assert.InRange(lost, 1800, 2200);
        Assert.Equal(N - lost, pair.B.Received.Count);
        Assert.Equal(N, pair.Network.Counters.Sent);
    }

    [Fact]
    public void DuplicatedPacketsArriveTwice()
    {
        const int N = 10_000;
        var pair = new Pair(new LinkProfile { Duplication = 0.1, Latency = Duration.FromMilliseconds(1L) }, seed: 99);
        for (int i = 0; i < N; i++)
            pair.A.SendAt(Ms(i * 0.01), pair.AToB(i));
        pair.Network.RunUntil(Ms(1000));

        long dups = pair.Network.Counters.Of(SimEventKind.Duplicated);
        Assert.InRange(dups, 850, 1150); // mean 1,000, standard deviation 30
        Assert.Equal(N + dups, pair.B.Received.Count);
        var twice = pair.B.Received.GroupBy(r => RawPacket.Tag(r.Packet)).Where(g => g.Count() == 2).Select(g => g.Key).ToHashSet();
        Assert.Equal(dups, twice.Count);
        foreach (var e in pair.Log.Events.Where(e => e.Kind == SimEventKind.Duplicated))
            Assert.NotEqual(e.RelatedId, e.PacketId);
    }

    [Fact]
    public void ReorderedPacketsAreHeldBackAndOvertaken()
    {
        const int N = 2_000;
        var pair = new Pair(new LinkProfile { Reordering = 0.1, ReorderDelay = Duration.FromMilliseconds(5L), Latency = Duration.FromMilliseconds(10L) }, seed: 3);
        for (int i = 0; i < N; i++)
            pair.A.SendAt(Ms(i), pair.AToB(i));
        pair.Network.RunUntil(Ms(N + 100));

        var delayed = pair.Log.Events.Where(e => e.Kind == SimEventKind.Delayed).Select(e => e.PacketId).ToHashSet();
        Assert.InRange(delayed.Count, 140, 260); // mean 200, standard deviation 13.4
        Assert.Equal(N, pair.B.Received.Count);
        int outOfOrder = 0;
        foreach (var (time, packet) in pair.B.Received)
        {
            long tag = RawPacket.Tag(packet);
            // Packet ids count from 1 in send order, so tag i is packet i + 1.
            double expected = tag + 10 + (delayed.Contains(tag + 1) ? 5 : 0);
            Assert.Equal(Ms(expected), time);
        }
        for (int i = 1; i < pair.B.Received.Count; i++)
        {
            if (RawPacket.Tag(pair.B.Received[i].Packet) < RawPacket.Tag(pair.B.Received[i - 1].Packet))
                outOfOrder++;
        }
        Assert.True(outOfOrder > 100, $"only {outOfOrder} packets arrived out of order");
    }

    [Fact]
    public void JitterStaysWithinBoundsAndNeverReorders()
    {
        const int N = 1_000;
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(10L), Jitter = Duration.FromMilliseconds(4L) }, seed: 8);
        for (int i = 0; i < N; i++)
            pair.A.SendAt(Ms(i * 0.5), pair.AToB(i));
        pair.Network.RunUntil(Ms(N));

        Assert.Equal(Enumerable.Range(0, N).Select(i => (long)i), pair.B.Received.Select(r => RawPacket.Tag(r.Packet)));
        bool anyJitter = false;
        Instant previous = Instant.Zero;
        foreach (var (time, packet) in pair.B.Received)
        {
            double sentMs = RawPacket.Tag(packet) * 0.5;
            Assert.InRange(time.Nanoseconds, Ms(sentMs + 10).Nanoseconds, Instant.Max(Ms(sentMs + 14), previous).Nanoseconds);
            anyJitter |= time != Ms(sentMs + 10);
            previous = time;
        }
        Assert.True(anyJitter);
    }

    [Fact]
    public void CorruptionFlipsExactlyOneBit()
    {
        const int N = 500;
        var pair = new Pair(new LinkProfile { Corruption = 1.0 }, seed: 4);
        var sent = new List<byte[]>();
        for (int i = 0; i < N; i++)
        {
            var p = pair.AToB(i, 100);
            sent.Add(p);
            pair.A.SendAt(Ms(i), p);
        }
        pair.Network.RunUntil(Ms(N + 1));

        Assert.Equal(N, pair.Network.Counters.Of(SimEventKind.Corrupted));
        Assert.Equal(N, pair.B.Received.Count);
        for (int i = 0; i < N; i++)
        {
            int bits = 0;
            for (int j = 0; j < 100; j++)
                bits += System.Numerics.BitOperations.PopCount((uint)(sent[i][j] ^ pair.B.Received[i].Packet[j]));
            Assert.Equal(1, bits);
        }
    }

    [Fact]
    public void ProfilesAreValidated()
    {
        var net = new Network(1);
        net.AddHost("a", Pair.AddressA, new ScriptedHost());
        net.AddHost("b", Pair.AddressB, new ScriptedHost());
        Assert.Throws<ArgumentOutOfRangeException>(() => net.Connect("a", "b", new LinkProfile { Loss = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.Connect("a", "b", new LinkProfile { Corruption = double.NaN }));
        Assert.Throws<ArgumentException>(() => net.Connect("a", "b", new LinkProfile { Latency = Duration.FromMilliseconds(-1L) }));
        Assert.Throws<ArgumentException>(() => net.Connect("a", "a", LinkProfile.Ideal));
    }
}
