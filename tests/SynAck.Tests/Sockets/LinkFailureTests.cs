using SynAck.Links;
using SynAck.Sockets;

namespace SynAck.Tests.Sockets;

/// <summary>A link that goes away under a running host (a TUN device deleted, its namespace removed) ends the host
/// cleanly: everything waiting fails with the link's own exception, and disposing does not throw.</summary>
public sealed class LinkFailureTests
{
    [Fact]
    public async Task WaitingReadsAcceptsAndLaterCallsFailWithTheLinksException()
    {
        using var links = new MemoryLinkPair(capacity: 1024);
        var broken = new BreakableLink(links.B);
        var options = new SynAckHostOptions { Seed = 1, ShutdownGrace = TimeSpan.FromMilliseconds(200) };
        await using var client = new SynAckHost(links.A, HostPair.ClientAddress, options);
        var server = new SynAckHost(broken, HostPair.ServerAddress, new SynAckHostOptions { Seed = 2 });
        var listener = server.Listen(HostPair.Port);
        var accept = listener.AcceptAsync(HostPair.Ct).AsTask();
        await using var c = await client.ConnectAsync(HostPair.ServerEndPoint(), HostPair.Ct).Within();
        var s = await accept.Within();
        var read = s.ReadAsync(new byte[16], HostPair.Ct).AsTask();
        var nextAccept = listener.AcceptAsync(HostPair.Ct).AsTask();

        var failure = broken.Break("TUN device test0 went away");

        Assert.Same(failure, await Assert.ThrowsAsync<LinkFailedException>(() => read.Within()));
        Assert.Same(failure, await Assert.ThrowsAsync<LinkFailedException>(() => nextAccept.Within()));
        Assert.Same(failure, await Assert.ThrowsAsync<LinkFailedException>(() => server.Completion.Within()));
        Assert.Same(failure, await Assert.ThrowsAsync<LinkFailedException>(() => server.InvokeAsync(st => st.ConnectionCount).Within()));
        await server.DisposeAsync().Within(); // does not rethrow the loop's failure
    }
}
