using SynAck.Interop.Tests.Sockets;
using SynAck.Links;

namespace SynAck.Interop.Tests.Links;

/// <summary>The TUN device deleted under a running host with an established connection.</summary>
public sealed class TunLinkGoneTests
{
    [Fact]
    public async Task DeletingTheDeviceFailsAPendingReadAndEndsTheHost()
    {
        RootRequirement.Require("ip", KernelPeer.Python);
        var ct = TestContext.Current.CancellationToken;
        var limit = TimeSpan.FromSeconds(30);
        await using var tun = TunHost.Create();
        await using var listener = tun.Host.Listen(5003);
        // Sends nothing and reads until the end: the connection stays established and idle.
        using var peer = KernelPeer.Client(tun.Namespace, 5003, 0, "last");
        await using var connection = await listener.AcceptAsync(ct).AsTask().WaitAsync(limit, ct);
        var read = connection.ReadAsync(new byte[16], ct).AsTask();

        var (code, output) = tun.Namespace.Exec("ip", "link", "del", tun.Network.Tun.Name);
        Assert.True(code == 0, output);

        var failure = await Assert.ThrowsAsync<LinkFailedException>(() => read.WaitAsync(limit, ct));
        Assert.Contains($"TUN device {tun.Network.Tun.Name} went away", failure.Message, StringComparison.Ordinal);
        Assert.Same(failure, await Assert.ThrowsAsync<LinkFailedException>(() => tun.Host.Completion.WaitAsync(limit, ct)));
    }
}
