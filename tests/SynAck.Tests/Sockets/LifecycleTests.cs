using System.Net;
using System.Net.Sockets;
using SynAck.Links;
using SynAck.Sockets;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Tests.Sockets;

/// <summary>Dispose, cancellation, errors and back-pressure of SynAck's connections, listeners and hosts.</summary>
public sealed class LifecycleTests
{
    private static CancellationToken Ct => HostPair.Ct;

    [Fact]
    public async Task DisposeClosesGracefullyAndLaterCallsThrowObjectDisposed()
    {
        await using var pair = new HostPair();
        var (client, server) = await pair.ConnectAsync();
        await client.WriteAsync(new byte[] { 5 }, Ct).Within();
        await client.DisposeAsync();
        Assert.False(client.CanRead);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => _ = await client.ReadAsync(new byte[1], Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await client.WriteAsync(new byte[1], Ct));
        // The peer gets what was written, then the end of the stream (FIN, not RST).
        Assert.Equal([5], await Bounded.ReadToEndAsync(server));
        await server.DisposeAsync();
        await client.DisposeAsync(); // twice is fine
    }

    [Fact]
    public async Task DisposeFailsAPendingReadWithObjectDisposed()
    {
        await using var pair = new HostPair();
        var (_, server) = await pair.ConnectAsync();
        var read = server.ReadAsync(new byte[8], Ct);
        await server.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await read.Within());
    }

    [Fact]
    public async Task CancellingAPendingReadLeavesTheStreamUsable()
    {
        await using var pair = new HostPair();
        var (client, server) = await pair.ConnectAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var read = server.ReadAsync(new byte[8], cts.Token);
        cts.Cancel();
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await read.Within());
        Assert.Equal(cts.Token, e.CancellationToken);

        await client.WriteAsync(new byte[] { 3 }, Ct).Within();
        var buffer = new byte[8];
        Assert.Equal(1, await server.ReadAsync(buffer, Ct).Within());
        Assert.Equal(3, buffer[0]);
    }

    [Fact]
    public async Task AlreadyCancelledTokensCompleteAsCancelled()
    {
        await using var pair = new HostPair();
        var (client, _) = await pair.ConnectAsync();
        var cancelled = new CancellationToken(true);
        Assert.True(client.ReadAsync(new byte[1], cancelled).IsCanceled);
        Assert.True(client.WriteAsync(new byte[1], cancelled).IsCanceled);
        Assert.True(pair.Listener.AcceptAsync(cancelled).IsCanceled);
        Assert.True(pair.Client.ConnectAsync(HostPair.ServerEndPoint(), cancelled).IsCanceled);
    }

    [Fact]
    public async Task CancellingAcceptAndConnect()
    {
        await using var pair = new HostPair();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var accept = pair.Listener.AcceptAsync(cts.Token);
        // Nobody answers at this address (the server stack drops packets not addressed to it): the SYN goes unanswered.
        var connect = pair.Client.ConnectAsync(new IPEndPoint(IPAddress.Parse("192.0.2.99"), 80), cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await accept.Within());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await connect.Within());
        Assert.Equal(0, await pair.Client.InvokeAsync(s => s.ConnectionCount).Within());
        // The listener still accepts after a cancelled accept.
        var (c, s) = await pair.ConnectAsync();
        Assert.NotNull(c);
        Assert.NotNull(s);
    }

    [Fact]
    public async Task ConnectToAPortWithoutListenerIsRefused()
    {
        await using var pair = new HostPair();
        var e = await Assert.ThrowsAsync<SocketException>(async () => await pair.Client.ConnectAsync(HostPair.ServerEndPoint(7001), Ct).Within());
        Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
    }

    [Fact]
    public async Task ConnectWithNoAnswerTimesOut()
    {
        var settings = new TcpSettings { SynRetries = 1, InitialRto = Duration.FromMilliseconds(50) };
        await using var pair = new HostPair(settings);
        var e = await Assert.ThrowsAsync<SocketException>(async () =>
            await pair.Client.ConnectAsync(new IPEndPoint(IPAddress.Parse("192.0.2.99"), 80), Ct).Within());
        Assert.Equal(SocketError.TimedOut, e.SocketErrorCode);
    }

    [Fact]
    public async Task PeerAbortSurfacesAsConnectionResetOnReadAndWrite()
    {
        await using var pair = new HostPair();
        var (client, server) = await pair.ConnectAsync();
        var read = server.ReadAsync(new byte[8], Ct);
        client.Abort();
        var e = await Assert.ThrowsAsync<IOException>(async () => await read.Within());
        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(e.InnerException).SocketErrorCode);
        var w = await Assert.ThrowsAsync<IOException>(async () => await server.WriteAsync(new byte[8], Ct).Within());
        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(w.InnerException).SocketErrorCode);
        await Assert.ThrowsAsync<IOException>(() => server.ReadsClosed.Within());
        Assert.Equal(TcpError.Reset, server.Error);
    }

    [Fact]
    public async Task LocalAbortFailsPendingOperations()
    {
        await using var pair = new HostPair();
        var (client, _) = await pair.ConnectAsync();
        var read = client.ReadAsync(new byte[8], Ct);
        client.Abort();
        var e = await Assert.ThrowsAsync<IOException>(async () => await read.Within());
        Assert.Equal(SocketError.OperationAborted, Assert.IsType<SocketException>(e.InnerException).SocketErrorCode);
    }

    [Fact]
    public async Task AWriterWaitsWhileTheSendBufferIsFullAndResumesWhenThePeerReads()
    {
        await using var pair = new HostPair();
        var (client, server) = await pair.ConnectAsync();
        var data = new byte[1_000_000];
        var write = client.WriteAsync(data, Ct).AsTask();
        // The peer reads nothing: its window closes, our send buffer fills, and the write must stop short.
        await Bounded.UntilAsync(async () => await pair.Client.InvokeAsync(s => s.SendSpace(client.Handle) == 0), "the send buffer filling");
        long stalled = client.BytesWritten;
        Assert.False(write.IsCompleted);
        Assert.InRange(stalled, 1, data.Length - 1);

        var got = 0L;
        var buffer = new byte[65536];
        while (got < data.Length)
            got += await server.ReadAsync(buffer, Ct).Within();
        await write.Within();
        Assert.Equal(data.Length, got);
    }

    [Fact]
    public async Task WritesClosedCompletesWhenTheFinIsAcknowledged()
    {
        await using var pair = new HostPair();
        var (client, server) = await pair.ConnectAsync();
        Assert.False(client.WritesClosed.IsCompleted);
        client.CompleteWrites();
        await client.WritesClosed.Within();
        Assert.Equal(TcpState.FinWait2, await pair.Client.InvokeAsync(s => s.State(client.Handle)).Within());
        Assert.Equal(0, await server.ReadAsync(new byte[1], Ct).Within());
    }

    [Fact]
    public async Task ActiveCloserHoldsTimeWaitAndPassiveSideReachesClosed()
    {
        await using var pair = new HostPair();
        var (client, server) = await pair.ConnectAsync();
        await client.DisposeAsync();
        Assert.Equal(0, await server.ReadAsync(new byte[1], Ct).Within());
        await server.DisposeAsync();
        await Bounded.UntilAsync(async () => await pair.Client.InvokeAsync(s => s.TimeWaitCount == 1 && s.ConnectionCount == 0), "TIME-WAIT on the client");
        await Bounded.UntilAsync(async () => await pair.Server.InvokeAsync(s => s.ConnectionCount == 0 && s.TimeWaitCount == 0), "the server reaching CLOSED");
        Assert.Equal(0, await pair.Server.InvokeAsync(s => s.HandleCount));
    }

    [Fact]
    public async Task DisposingTheHostFailsWaitersAbortsConnectionsAndReleasesTheLink()
    {
        var pair = new HostPair();
        var (client, server) = await pair.ConnectAsync();
        var accept = pair.Listener.AcceptAsync(Ct);
        var read = server.ReadAsync(new byte[8], Ct);
        await pair.Server.DisposeAsync().Within();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await accept.Within());
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await read.Within());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pair.Server.InvokeAsync(s => 0).Within());
        Assert.Throws<ObjectDisposedException>(() => pair.Links.B.TrySend(new byte[20]));
        // The server's abort reached the client as a reset.
        var e = await Assert.ThrowsAsync<IOException>(async () => await client.ReadAsync(new byte[8], Ct).Within());
        Assert.IsType<SocketException>(e.InnerException);
        await pair.DisposeAsync();
    }

    [Fact]
    public async Task ManyConnectionsToOneListenerAllCompleteAndNothingLeaks()
    {
        await using var pair = new HostPair();
        const int count = 50;
        var serve = Task.Run(async () =>
        {
            var tasks = new List<Task>();
            for (int i = 0; i < count; i++)
            {
                var s = await pair.Listener.AcceptAsync(Ct);
                tasks.Add(Task.Run(async () =>
                {
                    var got = await Bounded.ReadToEndAsync(s);
                    await s.WriteAsync(got, Ct);
                    await s.DisposeAsync();
                }, Ct));
            }
            await Task.WhenAll(tasks);
        }, Ct);
        var clients = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await using var c = await pair.Client.ConnectAsync(HostPair.ServerEndPoint(), Ct);
            var msg = BitConverter.GetBytes(i);
            await c.WriteAsync(msg, Ct);
            c.CompleteWrites();
            Assert.Equal(msg, await Bounded.ReadToEndAsync(c));
        }, Ct)).ToArray();
        await Task.WhenAll(clients).Within();
        await serve.Within();
        await Bounded.UntilAsync(async () => await pair.Server.InvokeAsync(s => s.ConnectionCount == 0 && s.HandleCount == 0), "the server releasing every connection");
        await Bounded.UntilAsync(async () => await pair.Client.InvokeAsync(s => s.ConnectionCount == 0 && s.HandleCount == 0), "the client releasing every connection");
    }

    [Fact]
    public async Task PacketsOfAnotherIpVersionAreIgnoredAndNonTcpIsDroppedByTheStack()
    {
        using var links = new MemoryLinkPair();
        await using var host = new SynAckHost(links.B, HostPair.ServerAddress, new SynAckHostOptions { Seed = 3 });
        var v6 = new byte[40];
        v6[0] = 0x60;
        Assert.True(links.A.TrySend(v6));
        await Bounded.UntilAsync(() => Task.FromResult(host.PacketsIgnored == 1), "the IPv6 packet being ignored");

        // An IPv4 UDP packet to the host's address reaches the stack, which counts and drops it.
        var udp = new byte[28];
        int n = SynAck.Wire.Ipv4Packet.WriteHeader(udp, new SynAck.Wire.Ipv4HeaderFields
        {
            Source = HostPair.ClientAddress, Destination = HostPair.ServerAddress, Protocol = SynAck.Wire.IpProtocol.Udp,
        }, 8);
        Assert.Equal(20, n);
        Assert.True(links.A.TrySend(udp));
        await Bounded.UntilAsync(async () => await host.InvokeAsync(s => s.Counters.Drops(TcpDropReason.NotTcp) == 1), "the UDP packet being dropped");
        Assert.Equal(1, host.PacketsIgnored);
    }

    [Fact]
    public async Task InvokeAsyncRunsOnTheLoopAndCarriesExceptions()
    {
        await using var pair = new HostPair();
        int loopThread = await pair.Server.InvokeAsync(_ => Environment.CurrentManagedThreadId).Within();
        Assert.NotEqual(Environment.CurrentManagedThreadId, loopThread);
        Assert.Equal(loopThread, await pair.Server.InvokeAsync(_ => Environment.CurrentManagedThreadId).Within());
        await Assert.ThrowsAsync<InvalidOperationException>(() => pair.Server.InvokeAsync<int>(_ => throw new InvalidOperationException("x")).Within());
        Assert.Throws<InvalidOperationException>(() => pair.Server.Listen(HostPair.Port));
    }
}
