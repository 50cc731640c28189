using SynAck.Sockets;

namespace SynAck.Tests.Sockets;

/// <summary>
/// Once the application accepts, the host takes established connections from the stack ahead of the next
/// <c>AcceptAsync</c> (up to <see cref="SynAckListener.ReadyLimit"/>), which then returns at once, oldest first,
/// without a round trip through the loop thread.
/// </summary>
public sealed class AcceptQueueTests
{
    [Fact]
    public async Task Connections_established_before_the_accept_are_accepted_at_once_in_order()
    {
        await using var pair = new HostPair();
        var (c1, s1) = await pair.ConnectAsync();
        var c2 = await pair.Client.ConnectAsync(HostPair.ServerEndPoint(), HostPair.Ct).Within();
        var c3 = await pair.Client.ConnectAsync(HostPair.ServerEndPoint(), HostPair.Ct).Within();
        await Bounded.UntilAsync(() => Task.FromResult(pair.Listener.ReadyCount == 2), "two connections ready");

        var a2 = pair.Listener.AcceptAsync(HostPair.Ct);
        Assert.True(a2.IsCompletedSuccessfully, "the second accept waited");
        var a3 = pair.Listener.AcceptAsync(HostPair.Ct);
        Assert.True(a3.IsCompletedSuccessfully, "the third accept waited");
        var s2 = await a2;
        var s3 = await a3;
        Assert.Equal(c2.LocalEndPoint, s2.RemoteEndPoint);
        Assert.Equal(c3.LocalEndPoint, s3.RemoteEndPoint);

        // An accepted-ahead connection is a connection like any other.
        await c3.WriteAsync(new byte[] { 7 }, HostPair.Ct);
        var got = new byte[1];
        Assert.Equal(1, await s3.ReadAsync(got, HostPair.Ct).Within());
        Assert.Equal(7, got[0]);
        foreach (var c in new[] { c1, s1, c2, c3, s2, s3 })
            await c.DisposeAsync();
    }

    [Fact]
    public async Task At_most_the_ready_limit_is_taken_ahead_and_the_rest_wait_in_the_stack()
    {
        await using var pair = new HostPair();
        var (c1, s1) = await pair.ConnectAsync();
        int extra = SynAckListener.ReadyLimit + 3;
        var clients = new List<SynAckConnection>();
        for (int i = 0; i < extra; i++)
            clients.Add(await pair.Client.ConnectAsync(HostPair.ServerEndPoint(), HostPair.Ct).Within());
        await Bounded.UntilAsync(() => Task.FromResult(pair.Listener.ReadyCount == SynAckListener.ReadyLimit), "the ready queue filling");
        // The three others are established in the stack, not taken: the stack's backlog still bounds them.
        await Bounded.UntilAsync(async () => await pair.Server.InvokeAsync(s => s.ConnectionCount) == extra + 1, "every connection established");
        Assert.Equal(SynAckListener.ReadyLimit, pair.Listener.ReadyCount);
        for (int i = 0; i < extra; i++)
        {
            var s = await pair.Listener.AcceptAsync(HostPair.Ct).Within();
            Assert.Equal(clients[i].LocalEndPoint, s.RemoteEndPoint);
            await s.DisposeAsync();
        }
        foreach (var c in clients.Append(c1).Append(s1))
            await c.DisposeAsync();
    }

    [Fact]
    public async Task Nothing_is_taken_ahead_before_the_application_accepts()
    {
        await using var pair = new HostPair();
        var c = await pair.Client.ConnectAsync(HostPair.ServerEndPoint(), HostPair.Ct).Within();
        await Bounded.UntilAsync(async () => await pair.Server.InvokeAsync(s => s.ConnectionCount) == 1, "the connection established");
        Assert.Equal(0, pair.Listener.ReadyCount);
        await using var s = await pair.Listener.AcceptAsync(HostPair.Ct).Within();
        Assert.Equal(c.LocalEndPoint, s.RemoteEndPoint);
        await c.DisposeAsync();
    }
}
