using System.Net;
using SynAck.Interop.Tests.Links;
using SynAck.Links;
using SynAck.Sockets;
using SynAck.Tcp;

namespace SynAck.Interop.Tests.Sockets;

/// <summary>SynAck (198.18.0.2) on a TUN device whose kernel side (198.18.0.1/24) is in a private namespace; disposing removes both.</summary>
internal sealed class TunHost : IAsyncDisposable
{
    public static readonly FaultSettings Impaired = new() { Loss = 0.05, Duplicate = 0.02, Reorder = 0.02 };

    private TunHost(TunNetwork network, SynAckHost host, FaultInjectingLink? faults)
    {
        Network = network;
        Host = host;
        Faults = faults;
    }

    public TunNetwork Network { get; }

    public NetNamespace Namespace => Network.Namespace;

    public SynAckHost Host { get; }

    public FaultInjectingLink? Faults { get; }

    public static IPEndPoint Kernel(ushort port) => new(IPAddress.Parse("198.18.0.1"), port);

    /// <param name="faults">Impairments applied in both directions, or null.</param>
    /// <param name="pcap">A file to capture the TUN link into, or null.</param>
    /// <param name="seed">Seed of the stack and the fault injector.</param>
    /// <param name="offload">The device's segmentation and checksum offload; null takes the environment's (off unless SYNACK_TUN_OFFLOAD=1).</param>
    public static TunHost Create(FaultSettings? faults = null, string? pcap = null, ulong seed = 1, bool? offload = null)
    {
        var network = TunNetwork.Create(offload: offload);
        try
        {
            // RFC 1337: by default Linux lets an RST end a TIME-WAIT. With duplication and reordering, a late copy of
            // the kernel's own data reaches SynAck after its connection is gone, SynAck rightly answers RST, and the
            // kernel's TIME-WAIT (which the close-order tests check) vanishes. The namespace's own sysctl keeps it.
            network.Namespace.Exec("sysctl", "-qw", "net.ipv4.tcp_rfc1337=1");
            ILink link = network.Tun;
            if (pcap is not null)
                link = new PcapTapLink(link, File.Create(pcap), leaveInnerOpen: true);
            FaultInjectingLink? injector = null;
            if (faults is not null)
                link = injector = new FaultInjectingLink(link, faults, faults, seed, leaveInnerOpen: pcap is null);
            var host = new SynAckHost(link, TunNetwork.SynAckAddress, new SynAckHostOptions
            {
                Settings = new TcpSettings { Mtu = network.Tun.Mtu },
                Seed = seed,
                OwnsLink = link != network.Tun,
                CountRetransmissions = true,
            });
            return new TunHost(network, host, injector);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Sockets in the namespace in <paramref name="state"/> that involve <paramref name="port"/> (kernel's view, <c>ss</c>).</summary>
    public string[] KernelSockets(string state, ushort port)
    {
        var (code, output) = Namespace.Exec("ss", "-tanH", "state", state);
        Assert.Equal(0, code);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.Contains($":{port} ", StringComparison.Ordinal) || l.EndsWith($":{port}", StringComparison.Ordinal))
            .ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Host.DisposeAsync();
        }
        finally
        {
            Network.Dispose();
        }
    }
}
