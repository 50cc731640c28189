using SynAck.Wire;

namespace SynAck.Simulation;

/// <summary>
/// A packet as a host puts it on the network, seen by <see cref="PacketMatch"/> and <see cref="PacketPredicate"/>:
/// the raw bytes, the hosts, and the IP and TCP fields when the packet parses (checksums are not verified,
/// so a crafted packet with a bad checksum still matches on its fields). Only valid during the call that receives it.
/// </summary>
public readonly ref struct SimPacket
{
    private readonly IpPacket _ip;
    private readonly TcpPacket _tcp;

    internal SimPacket(SimHost from, SimHost? to, ReadOnlySpan<byte> data)
    {
        FromHost = from;
        ToHost = to;
        Data = data;
        var ipStatus = IpPacket.TryParse(data, out _ip);
        IsIp = ipStatus is WireStatus.Ok or WireStatus.Fragment;
        IsTcp = IsIp && _ip.TryGetTcp(out _tcp, verifyChecksum: false) == WireStatus.Ok;
    }

    /// <summary>The sending host.</summary>
    public SimHost FromHost { get; }

    /// <summary>The host that owns the destination address, or null if none does.</summary>
    public SimHost? ToHost { get; }

    /// <summary>Name of the sending host.</summary>
    public string From => FromHost.Name;

    /// <summary>Name of the destination host, or null.</summary>
    public string? To => ToHost?.Name;

    /// <summary>The whole IP packet.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>The bytes parse as an IPv4 or IPv6 packet.</summary>
    public bool IsIp { get; }

    /// <summary>The packet carries a whole TCP segment that parses.</summary>
    public bool IsTcp { get; }

    /// <summary>The IP view (default when <see cref="IsIp"/> is false).</summary>
    public IpPacket Ip => _ip;

    /// <summary>The TCP view (default when <see cref="IsTcp"/> is false).</summary>
    public TcpPacket Tcp => _tcp;

    /// <summary>TCP flags, or <see cref="TcpFlags.None"/> for a packet that is not TCP.</summary>
    public TcpFlags Flags => IsTcp ? _tcp.Flags : TcpFlags.None;

    /// <summary>TCP payload length, or 0 for a packet that is not TCP.</summary>
    public int PayloadLength => IsTcp ? _tcp.Payload.Length : 0;
}
