using SynAck.Links;

namespace SynAck.Tests.Links;

public sealed class MemoryLinkPairTests
{
    [Fact]
    public void PacketsCrossBothWaysInOrderAndIntact()
    {
        using var pair = new MemoryLinkPair();
        for (var i = 0; i < 10; i++)
            Assert.True(pair.A.TrySend(TestPackets.Make(i)));
        Assert.True(pair.B.TrySend(TestPackets.Make(100)));

        var atB = TestPackets.Drain(pair.B);
        Assert.Equal(10, atB.Count);
        for (var i = 0; i < 10; i++)
            Assert.Equal(TestPackets.Make(i), atB[i]);
        Assert.Equal([TestPackets.Make(100)], TestPackets.Drain(pair.A));
        Assert.Empty(TestPackets.Drain(pair.A));
    }

    [Fact]
    public void CountersAddUpPacketsAndBytes()
    {
        using var pair = new MemoryLinkPair();
        pair.A.TrySend(TestPackets.Make(1, 100));
        pair.A.TrySend(TestPackets.Make(2, 200));
        TestPackets.Drain(pair.B);

        Assert.Equal(2, pair.A.Counters.PacketsSent);
        Assert.Equal(300, pair.A.Counters.BytesSent);
        Assert.Equal(2, pair.B.Counters.PacketsReceived);
        Assert.Equal(300, pair.B.Counters.BytesReceived);
        Assert.Equal(0, pair.A.Counters.PacketsReceived);
    }

    [Fact]
    public void FullQueueRefusesSendsUntilDrained()
    {
        using var pair = new MemoryLinkPair(capacity: 3);
        for (var i = 0; i < 3; i++)
            Assert.True(pair.A.TrySend(TestPackets.Make(i)));
        Assert.False(pair.A.TrySend(TestPackets.Make(3)));
        Assert.Equal(1, pair.A.Counters.SendsRefused);
        Assert.Equal(3, pair.B.PendingCount);

        var buffer = new byte[pair.B.Mtu];
        Assert.True(pair.B.TryReceive(buffer, out _));
        Assert.True(pair.A.TrySend(TestPackets.Make(4)));
        Assert.Equal([1, 2, 4], TestPackets.Drain(pair.B).Select(p => TestPackets.Id(p)));
    }

    [Fact]
    public void PacketLongerThanTheMtuOrEmptyIsRefused()
    {
        using var pair = new MemoryLinkPair(mtu: 576);
        Assert.True(pair.A.TrySend(new byte[576]));
        Assert.False(pair.A.TrySend(new byte[577]));
        Assert.False(pair.A.TrySend([]));
        Assert.Equal(2, pair.A.Counters.SendsRefused);
    }

    [Fact]
    public void ReceiveBufferShorterThanTheMtuThrows()
    {
        using var pair = new MemoryLinkPair(mtu: 1500);
        Assert.Throws<ArgumentException>(() => pair.B.TryReceive(new byte[1499], out _));
    }

    [Fact]
    public void WaitReportsReadableTimedOutAndWoken()
    {
        using var pair = new MemoryLinkPair();
        Assert.Equal(LinkWaitResult.TimedOut, pair.B.Wait(TimeSpan.Zero, TestContext.Current.CancellationToken));

        pair.A.TrySend(TestPackets.Make(1));
        Assert.Equal(LinkWaitResult.Readable, pair.B.Wait(TimeSpan.Zero, TestContext.Current.CancellationToken));
        TestPackets.Drain(pair.B);

        pair.B.Wake();
        pair.B.Wake();
        Assert.Equal(LinkWaitResult.Woken, pair.B.Wait(Timeout.InfiniteTimeSpan, TestContext.Current.CancellationToken));
        // Two wakes before one wait wake it once.
        Assert.Equal(LinkWaitResult.TimedOut, pair.B.Wait(TimeSpan.Zero, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task WaitOnAnotherThreadEndsWhenAPacketArrives()
    {
        using var pair = new MemoryLinkPair();
        var ct = TestContext.Current.CancellationToken;
        var waiting = Task.Factory.StartNew(() => pair.B.Wait(Timeout.InfiniteTimeSpan, ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        pair.A.TrySend(TestPackets.Make(7));
        Assert.Equal(LinkWaitResult.Readable, await waiting);
    }

    [Fact]
    public async Task WaitOnAnotherThreadEndsWhenWoken()
    {
        using var pair = new MemoryLinkPair();
        var ct = TestContext.Current.CancellationToken;
        var waiting = Task.Factory.StartNew(() => pair.B.Wait(Timeout.InfiniteTimeSpan, ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        pair.B.Wake();
        Assert.Equal(LinkWaitResult.Woken, await waiting);
    }

    [Fact]
    public async Task CancelledWaitThrows()
    {
        using var pair = new MemoryLinkPair();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var waiting = Task.Factory.StartNew(() => pair.B.Wait(Timeout.InfiniteTimeSpan, cts.Token),
            TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public void AfterOneEndIsDisposedTheOtherEndsSendsAreRefused()
    {
        using var pair = new MemoryLinkPair();
        pair.B.Dispose();
        Assert.False(pair.A.TrySend(TestPackets.Make(1)));
        Assert.Throws<ObjectDisposedException>(() => pair.B.TryReceive(new byte[1500], out _));
        pair.B.Wake(); // a late wake after dispose is harmless
    }
}
