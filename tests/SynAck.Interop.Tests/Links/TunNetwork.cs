using System.Diagnostics;
using SynAck.Links;
using SynAck.Wire;

namespace SynAck.Interop.Tests.Links;

/// <summary>
/// A TUN device in a private namespace (interop.md): the kernel side is 198.18.0.1/24 inside
/// the namespace, SynAck's side (198.18.0.2) is the <see cref="Tun"/>. Disposing removes the
/// device and the namespace.
/// </summary>
internal sealed class TunNetwork : IDisposable
{
    public static readonly IpAddress KernelAddress = IpAddress.V4(198, 18, 0, 1);
    public static readonly IpAddress SynAckAddress = IpAddress.V4(198, 18, 0, 2);

    private TunNetwork(NetNamespace ns, TunLink link)
    {
        Namespace = ns;
        Tun = link;
    }

    public NetNamespace Namespace { get; }

    /// <summary>The bare TUN link.</summary>
    public TunLink Tun { get; }

    /// <summary>SYNACK_TUN_OFFLOAD=1 runs every test on this network with the device's segmentation and checksum
    /// offload on (off by default, so packets are what the kernel put on a wire); the suite passes either way.</summary>
    public static bool OffloadFromEnvironment => Environment.GetEnvironmentVariable("SYNACK_TUN_OFFLOAD") == "1";

    /// <param name="mtu">The device MTU; 0 keeps 1500.</param>
    /// <param name="offload">Segmentation and checksum offload; null takes <see cref="OffloadFromEnvironment"/>.</param>
    public static TunNetwork Create(int mtu = 0, bool? offload = null)
    {
        var ns = NetNamespace.Create();
        try
        {
            // No IPv6 on the device: its router solicitations and MLD reports would be traffic
            // the tests did not cause. A device moved in takes the namespace's defaults.
            ns.Exec("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
            var link = new TunSetup
            {
                Namespace = ns.Name,
                CreateNamespace = false,
                KernelAddresses = ["198.18.0.1/24"],
                Mtu = mtu,
                Offload = offload ?? OffloadFromEnvironment,
            }.Open();
            return new TunNetwork(ns, link);
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>Receives from <paramref name="link"/> until a packet satisfies <paramref name="match"/>
    /// (others, such as the kernel's IPv6 chatter, are skipped), or fails after <paramref name="timeout"/>.</summary>
    public static byte[] ReceiveMatching(ILink link, Func<byte[], bool> match, TimeSpan timeout, string what)
    {
        var buffer = new byte[link.Mtu];
        var seen = new List<string>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            while (link.TryReceive(buffer, out var n))
            {
                var packet = buffer[..n];
                if (match(packet))
                    return packet;
                seen.Add(Describe(packet));
            }
            var left = timeout - clock.Elapsed;
            if (left > TimeSpan.Zero)
                link.Wait(left, TestContext.Current.CancellationToken);
        }
        Assert.Fail($"no {what} within {timeout.TotalSeconds} s; other packets: [{string.Join("; ", seen)}]");
        return [];
    }

    public static string Describe(ReadOnlySpan<byte> packet)
        => IpPacket.TryParse(packet, out var ip) == WireStatus.Ok
            ? $"{ip.Source} > {ip.Destination} {ip.Protocol} {packet.Length} B"
            : $"unparsed {packet.Length} B";

    public void Dispose()
    {
        Tun.Dispose();
        Namespace.Dispose();
    }
}
