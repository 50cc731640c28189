using System.Net.Sockets;
using System.Text.Json;

namespace SynAck.Interop.Tests.Sockets;

/// <summary>Abortive close, refusal and half-close between SynAck and the kernel's TCP over TUN.</summary>
public sealed class KernelErrorTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task KernelLingerZeroCloseIsAResetForTheSynAckReader()
    {
        RootRequirement.Require("ip", KernelPeer.Python);
        await using var tun = TunHost.Create();
        await using var listener = tun.Host.Listen(5003);
        using var peer = KernelPeer.Client(tun.Namespace, 5003, 5, "linger0");
        await using var server = await listener.AcceptAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Limit, TestContext.Current.CancellationToken);
        var buffer = new byte[16];
        int got = 0;
        while (got < 5)
            got += await server.ReadAsync(buffer.AsMemory(got), TestContext.Current.CancellationToken).AsTask().WaitAsync(Limit, TestContext.Current.CancellationToken);
        await server.WriteAsync(new byte[] { 1 }, TestContext.Current.CancellationToken).AsTask().WaitAsync(Limit, TestContext.Current.CancellationToken);
        var e = await Assert.ThrowsAsync<IOException>(async () => await server.ReadAsync(buffer, TestContext.Current.CancellationToken).AsTask().WaitAsync(Limit, TestContext.Current.CancellationToken));
        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(e.InnerException).SocketErrorCode);
        Assert.Equal("linger0", (await peer.ResultAsync(Limit)).GetProperty("closed").GetString());
    }

    [Fact]
    public async Task SynAckAbortIsEconnresetForTheKernelReader()
    {
        RootRequirement.Require("ip", KernelPeer.Python);
        await using var tun = TunHost.Create();
        using var peer = await KernelPeer.ServerAsync(tun.Namespace, 5004, 0, "echo1");
        var client = await tun.Host.ConnectAsync(TunHost.Kernel(5004), TestContext.Current.CancellationToken).AsTask().WaitAsync(Limit, TestContext.Current.CancellationToken);
        await client.WriteAsync("x"u8.ToArray(), TestContext.Current.CancellationToken).AsTask().WaitAsync(Limit, TestContext.Current.CancellationToken);
        // The kernel answers once it has the byte, so the RST below reaches a reader that is waiting in recv.
        Assert.Equal(1, await client.ReadAsync(new byte[1], TestContext.Current.CancellationToken).AsTask().WaitAsync(Limit, TestContext.Current.CancellationToken));
        client.Abort();
        var result = await peer.ResultAsync(Limit);
        Assert.Equal("ECONNRESET", result.GetProperty("error").GetString());
        await Eventually.HoldsAsync(async () => await tun.Host.InvokeAsync(s => s.ConnectionCount == 0 && s.TimeWaitCount == 0), "SynAck forgetting the aborted connection");
    }

    [Fact]
    public async Task SynAckConnectToAKernelPortWithoutListenerIsRefused()
    {
        RootRequirement.Require("ip");
        await using var tun = TunHost.Create();
        var e = await Assert.ThrowsAsync<SocketException>(async () => await tun.Host.ConnectAsync(TunHost.Kernel(5999), TestContext.Current.CancellationToken).AsTask().WaitAsync(Limit, TestContext.Current.CancellationToken));
        Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
    }

    [Fact]
    public async Task KernelConnectToASynAckPortWithoutListenerIsRefused()
    {
        RootRequirement.Require("ip", KernelPeer.Python);
        await using var tun = TunHost.Create();
        using var peer = KernelPeer.Client(tun.Namespace, 5998, 0, "first");
        Assert.Equal("ECONNREFUSED", (await peer.ResultAsync(Limit)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task KernelHalfClosesFirstAndStillReceivesEverythingSynAckSends()
    {
        RootRequirement.Require("ip", KernelPeer.Python);
        const long size = 4L * 1024 * 1024;
        await using var tun = TunHost.Create();
        await using var listener = tun.Host.Listen(5005);
        // The kernel sends nothing and shuts down at once, then reads to the end.
        using var peer = KernelPeer.Client(tun.Namespace, 5005, 0, "first");
        var server = await listener.AcceptAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Limit, TestContext.Current.CancellationToken);
        Assert.Equal(0, await server.ReadAsync(new byte[1], TestContext.Current.CancellationToken).AsTask().WaitAsync(Limit, TestContext.Current.CancellationToken));
        var mine = await SynAckSide.RunAsync(server, size).WaitAsync(Limit, TestContext.Current.CancellationToken);
        var theirs = await peer.ResultAsync(Limit);
        Assert.Equal(size, theirs.GetProperty("received").GetInt64());
        Assert.Equal(mine.ShaSent, theirs.GetProperty("sha_received").GetString());
    }

    [Fact]
    public async Task SynAckHalfClosesFirstAndStillReceivesEverythingTheKernelSends()
    {
        RootRequirement.Require("ip", KernelPeer.Python);
        const long size = 4L * 1024 * 1024;
        await using var tun = TunHost.Create();
        // The kernel reads to our FIN while it sends, then closes.
        using var peer = await KernelPeer.ServerAsync(tun.Namespace, 5006, size, "last");
        var client = await tun.Host.ConnectAsync(TunHost.Kernel(5006), TestContext.Current.CancellationToken).AsTask().WaitAsync(Limit, TestContext.Current.CancellationToken);
        var mine = await SynAckSide.RunAsync(client, 0, completeWritesFirst: true).WaitAsync(Limit, TestContext.Current.CancellationToken);
        var theirs = await peer.ResultAsync(Limit);
        Assert.Equal(0, theirs.GetProperty("received").GetInt64());
        Assert.Equal(size, mine.Received);
        Assert.Equal(theirs.GetProperty("sha_sent").GetString(), mine.ShaReceived);
    }
}
