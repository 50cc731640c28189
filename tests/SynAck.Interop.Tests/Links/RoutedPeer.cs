namespace SynAck.Interop.Tests.Links;

/// <summary>
/// A second private namespace (198.19.0.2/24) behind the TUN's namespace, joined by a veth pair: the TUN's namespace
/// (198.19.0.1 on its end) forwards between SynAck and this one, so it is a real Linux router on SynAck's path — it
/// answers a datagram too big for the veth with ICMP "fragmentation needed" (RFC 1191) as any router would.
/// Disposing removes the namespace and the pair with it.
/// </summary>
internal sealed class RoutedPeer : IDisposable
{
    public const string Address = "198.19.0.2";
    private const string RouterSide = "synack-rt0";

    private readonly NetNamespace _router;

    private RoutedPeer(NetNamespace router, NetNamespace peer)
    {
        _router = router;
        Namespace = peer;
    }

    /// <summary>The namespace behind the router, where the kernel peer runs.</summary>
    public NetNamespace Namespace { get; }

    public static RoutedPeer Create(NetNamespace router)
    {
        var peer = NetNamespace.Create();
        try
        {
            peer.Exec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
            NetNamespace.Run("ip", "link", "add", RouterSide, "netns", router.Name, "type", "veth", "peer", "name", "eth0", "netns", peer.Name)
                .ThrowIfFailed("ip link add veth");
            Check(router.Exec("ip", "addr", "add", "198.19.0.1/24", "dev", RouterSide));
            Check(router.Exec("ip", "link", "set", RouterSide, "up"));
            Check(router.Exec("sysctl", "-qw", "net.ipv4.ip_forward=1"));
            Check(peer.Exec("ip", "addr", "add", Address + "/24", "dev", "eth0"));
            Check(peer.Exec("ip", "link", "set", "eth0", "up"));
            Check(peer.Exec("ip", "route", "add", "default", "via", "198.19.0.1"));
            return new RoutedPeer(router, peer);
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    /// <summary>Sets the MTU of the router's interface toward the peer: the path MTU from SynAck to the peer.</summary>
    public void SetPathMtu(int mtu) => Check(_router.Exec("ip", "link", "set", RouterSide, "mtu", mtu.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static void Check((int ExitCode, string Output) r)
    {
        if (r.ExitCode != 0)
            throw new InvalidOperationException(r.Output);
    }

    public void Dispose() => Namespace.Dispose();
}
