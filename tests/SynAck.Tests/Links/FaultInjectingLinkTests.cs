using SynAck.Links;

namespace SynAck.Tests.Links;

public sealed class FaultInjectingLinkTests
{
    private const int Count = 20_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Sends <see cref="Count"/> numbered packets through <paramref name="link"/> to <paramref name="peer"/>,
    /// draining as it goes so the memory queue never fills.</summary>
    private static List<byte[]> SendAll(ILink link, ILink peer, int count = Count)
    {
        var got = new List<byte[]>();
        for (var i = 0; i < count; i++)
        {
            Assert.True(link.TrySend(TestPackets.Make(i)));
            got.AddRange(TestPackets.Drain(peer));
        }
        got.AddRange(TestPackets.Drain(peer));
        return got;
    }

    [Fact]
    public void WithNoSettingsEveryPacketPassesUntouched()
    {
        using var pair = new MemoryLinkPair();
        using var faults = new FaultInjectingLink(pair.A, null, null, seed: 1, new ManualTimeProvider());
        var got = SendAll(faults, pair.B, 500);
        Assert.Equal(500, got.Count);
        for (var i = 0; i < got.Count; i++)
            Assert.Equal(TestPackets.Make(i), got[i]);
    }

    [Fact]
    public void LossRateOnAFixedSeedIsNearTheProbabilityAndCountersMatch()
    {
        using var pair = new MemoryLinkPair();
        using var faults = new FaultInjectingLink(pair.A, null, new FaultSettings { Loss = 0.1 }, seed: 42, new ManualTimeProvider());
        var got = SendAll(faults, pair.B);

        // Binomial(20000, 0.1): mean 2000, sd 42; ±5 sd.
        Assert.InRange(faults.Outbound.Lost, 1790, 2210);
        Assert.Equal(Count - faults.Outbound.Lost, got.Count);
        Assert.Equal(Count, faults.Outbound.Packets);
        Assert.Equal(Count, faults.Counters.PacketsSent);
        Assert.Equal(got.Count, pair.A.Counters.PacketsSent);
        // What arrives is intact and in order.
        Assert.Equal(got.Select(p => TestPackets.Id(p)).Order(), got.Select(p => TestPackets.Id(p)));
        Assert.All(got, p => Assert.Equal(TestPackets.Make(TestPackets.Id(p)), p));
    }

    [Fact]
    public void InboundLossAppliesToReceivedPacketsOnly()
    {
        using var pair = new MemoryLinkPair();
        using var faults = new FaultInjectingLink(pair.B, new FaultSettings { Loss = 0.25 }, null, seed: 7, new ManualTimeProvider());
        var got = SendAll(pair.A, faults);
        Assert.InRange(faults.Inbound.Lost, 4700, 5300); // mean 5000, sd 61
        Assert.Equal(Count - faults.Inbound.Lost, got.Count);
        Assert.Equal(0, faults.Outbound.Packets);
    }

    [Fact]
    public void DuplicatesFollowTheirOriginal()
    {
        using var pair = new MemoryLinkPair();
        using var faults = new FaultInjectingLink(pair.A, null, new FaultSettings { Duplicate = 0.05 }, seed: 3, new ManualTimeProvider());
        var got = SendAll(faults, pair.B);

        Assert.InRange(faults.Outbound.Duplicated, 846, 1154); // mean 1000, sd 31
        Assert.Equal(Count + faults.Outbound.Duplicated, got.Count);
        var pairs = 0;
        for (var i = 1; i < got.Count; i++)
        {
            if (TestPackets.Id(got[i]) == TestPackets.Id(got[i - 1]))
            {
                Assert.Equal(got[i - 1], got[i]);
                pairs++;
            }
        }
        Assert.Equal(faults.Outbound.Duplicated, pairs);
    }

    [Fact]
    public void InboundDuplicateIsReturnedByTheNextReceive()
    {
        using var pair = new MemoryLinkPair();
        using var faults = new FaultInjectingLink(pair.B, new FaultSettings { Duplicate = 1 }, null, seed: 3, new ManualTimeProvider());
        pair.A.TrySend(TestPackets.Make(1));
        pair.A.TrySend(TestPackets.Make(2));
        Assert.Equal([1, 1, 2, 2], TestPackets.Drain(faults).Select(p => TestPackets.Id(p)));
    }

    [Fact]
    public void CorruptionFlipsExactlyOneBitInTheCountedPackets()
    {
        using var pair = new MemoryLinkPair();
        using var faults = new FaultInjectingLink(pair.A, null, new FaultSettings { Corrupt = 0.1 }, seed: 9, new ManualTimeProvider());
        var got = SendAll(faults, pair.B, 5000);

        Assert.Equal(5000, got.Count);
        var damaged = 0;
        for (var i = 0; i < got.Count; i++)
        {
            var sent = TestPackets.Make(i);
            var bits = 0;
            for (var j = 0; j < sent.Length; j++)
                bits += System.Numerics.BitOperations.PopCount((uint)(sent[j] ^ got[i][j]));
            Assert.InRange(bits, 0, 1);
            damaged += bits;
        }
        Assert.Equal(faults.Outbound.Corrupted, damaged);
        Assert.InRange(damaged, 394, 606); // mean 500, sd 21
    }

    [Fact]
    public void DelayHoldsOutboundPacketsUntilTheirTime()
    {
        var time = new ManualTimeProvider();
        using var pair = new MemoryLinkPair();
        using var faults = new FaultInjectingLink(pair.A, null, new FaultSettings { Delay = TimeSpan.FromMilliseconds(5) }, seed: 1, time);
        Assert.True(faults.TrySend(TestPackets.Make(1)));
        Assert.Equal(1, faults.HeldCount);

        time.Advance(TimeSpan.FromMilliseconds(4.999));
        Assert.Equal(LinkWaitResult.TimedOut, faults.Wait(TimeSpan.Zero, Ct));
        Assert.Empty(TestPackets.Drain(pair.B));

        time.Advance(TimeSpan.FromMilliseconds(0.001));
        faults.Wait(TimeSpan.Zero, Ct); // any call releases what is due
        Assert.Equal([1], TestPackets.Drain(pair.B).Select(p => TestPackets.Id(p)));
        Assert.Equal(1, faults.Outbound.Delayed);
    }

    [Fact]
    public void DelayHoldsInboundPacketsUntilTheirTimeAndWaitSaysReadableThen()
    {
        var time = new ManualTimeProvider();
        using var pair = new MemoryLinkPair();
        using var faults = new FaultInjectingLink(pair.B, new FaultSettings { Delay = TimeSpan.FromMilliseconds(20) }, null, seed: 1, time);
        pair.A.TrySend(TestPackets.Make(1));
        Assert.Empty(TestPackets.Drain(faults));

        time.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal(LinkWaitResult.Readable, faults.Wait(TimeSpan.Zero, Ct));
        Assert.Equal([1], TestPackets.Drain(faults).Select(p => TestPackets.Id(p)));
    }

    [Fact]
    public void InfiniteWaitEndsWhenAHeldInboundPacketComesDueOnTheRealClock()
    {
        using var pair = new MemoryLinkPair();
        using var faults = new FaultInjectingLink(pair.B, new FaultSettings { Delay = TimeSpan.FromMilliseconds(20) }, null, seed: 1);
        pair.A.TrySend(TestPackets.Make(1));
        Assert.Empty(TestPackets.Drain(faults)); // pulled from the inner link, now held
        Assert.Equal(1, faults.HeldCount);

        // Nothing else will ever arrive or wake it: only the held packet's due time can end this wait.
        Assert.Equal(LinkWaitResult.Readable, faults.Wait(Timeout.InfiniteTimeSpan, Ct));
        Assert.Equal([1], TestPackets.Drain(faults).Select(p => TestPackets.Id(p)));
    }

    [Fact]
    public void ReorderedPacketsAreOvertakenAndAllArriveInTheEnd()
    {
        var time = new ManualTimeProvider();
        using var pair = new MemoryLinkPair();
        var settings = new FaultSettings { Reorder = 0.1, ReorderDelay = TimeSpan.FromMilliseconds(3) };
        using var faults = new FaultInjectingLink(pair.A, null, settings, seed: 5, time);
        var got = new List<int>();
        for (var i = 0; i < 2000; i++)
        {
            faults.TrySend(TestPackets.Make(i));
            got.AddRange(TestPackets.Drain(pair.B).Select(p => TestPackets.Id(p)));
            time.Advance(TimeSpan.FromMilliseconds(1));
        }
        time.Advance(TimeSpan.FromMilliseconds(10));
        faults.Wait(TimeSpan.Zero, Ct);
        got.AddRange(TestPackets.Drain(pair.B).Select(p => TestPackets.Id(p)));

        Assert.Equal(Enumerable.Range(0, 2000), got.Order());
        Assert.InRange(faults.Outbound.Reordered, 135, 265); // mean 200, sd 13
        // Only held packets arrive after a later one; a held packet is overtaken unless the
        // packets sent during its 3 ms were all held too (rare at 10 %).
        var overtaken = got.Where((id, at) => got.Take(at).Any(earlier => earlier > id)).Count();
        Assert.InRange(overtaken, faults.Outbound.Reordered * 95 / 100, faults.Outbound.Reordered);
    }

    [Fact]
    public void SameSeedGivesTheSameFatesAndAnotherSeedDoesNot()
    {
        var settings = new FaultSettings { Loss = 0.05, Duplicate = 0.05, Corrupt = 0.05 };
        List<byte[]> Run(ulong seed)
        {
            using var pair = new MemoryLinkPair();
            using var faults = new FaultInjectingLink(pair.A, null, settings, seed, new ManualTimeProvider());
            return SendAll(faults, pair.B, 3000);
        }

        var first = Run(11);
        var again = Run(11);
        var other = Run(12);
        Assert.Equal(first.Count, again.Count);
        for (var i = 0; i < first.Count; i++)
            Assert.Equal(first[i], again[i]);
        Assert.False(first.Count == other.Count && first.Zip(other).All(x => x.First.AsSpan().SequenceEqual(x.Second)));
    }

    [Fact]
    public void DirectionsDrawFromSeparateStreams()
    {
        // The outbound fates must not change when inbound traffic is interleaved.
        List<int> Run(bool withInbound)
        {
            using var pair = new MemoryLinkPair();
            var lossy = new FaultSettings { Loss = 0.3 };
            using var faults = new FaultInjectingLink(pair.A, lossy, lossy, seed: 77, new ManualTimeProvider());
            var got = new List<int>();
            for (var i = 0; i < 500; i++)
            {
                if (withInbound)
                {
                    pair.B.TrySend(TestPackets.Make(i));
                    TestPackets.Drain(faults);
                }
                faults.TrySend(TestPackets.Make(i));
                got.AddRange(TestPackets.Drain(pair.B).Select(p => TestPackets.Id(p)));
            }
            return got;
        }

        Assert.Equal(Run(false), Run(true));
    }

    [Fact]
    public void TooManyHeldPacketsOverflowAndAreCounted()
    {
        var time = new ManualTimeProvider();
        using var pair = new MemoryLinkPair();
        using var faults = new FaultInjectingLink(pair.A, null, new FaultSettings { Delay = TimeSpan.FromSeconds(1) }, seed: 1, time, maxHeldPackets: 4);
        for (var i = 0; i < 10; i++)
            faults.TrySend(TestPackets.Make(i));
        Assert.Equal(6, faults.Outbound.Overflowed);
        time.Advance(TimeSpan.FromSeconds(1));
        faults.Wait(TimeSpan.Zero, Ct);
        Assert.Equal([0, 1, 2, 3], TestPackets.Drain(pair.B).Select(p => TestPackets.Id(p)));
    }

    [Fact]
    public void ProbabilitiesOutsideZeroToOneAreRejected()
    {
        using var pair = new MemoryLinkPair();
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultInjectingLink(pair.A, new FaultSettings { Loss = 1.5 }, null, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultInjectingLink(pair.A, null, new FaultSettings { Duplicate = double.NaN }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultInjectingLink(pair.A, null, new FaultSettings { Delay = TimeSpan.FromTicks(-1) }, 1));
    }

    [Fact]
    public void WakePassesThroughToTheInnerLink()
    {
        using var pair = new MemoryLinkPair();
        using var faults = new FaultInjectingLink(pair.B, null, null, seed: 1, new ManualTimeProvider());
        faults.Wake();
        Assert.Equal(LinkWaitResult.Woken, faults.Wait(Timeout.InfiniteTimeSpan, Ct));
    }

    [Fact]
    public void DisposeDisposesTheInnerLinkUnlessLeftOpen()
    {
        using var pair = new MemoryLinkPair();
        new FaultInjectingLink(pair.A, null, null, 1, leaveInnerOpen: true).Dispose();
        Assert.True(pair.A.TrySend(TestPackets.Make(1)));
        new FaultInjectingLink(pair.A, null, null, 1).Dispose();
        Assert.Throws<ObjectDisposedException>(() => pair.A.TrySend(TestPackets.Make(1)));
    }
}
