namespace SynAck.Wire;

/// <summary>
/// A read-only view of an IPv4 or IPv6 packet, chosen by the version nibble, and the one-call
/// writer of a whole IP + TCP packet.
/// </summary>
public readonly ref struct IpPacket
{
    private IpPacket(int version, IpAddress source, IpAddress destination, IpProtocol protocol, bool isFragment,
        byte ttl, ReadOnlySpan<byte> packet, int headerLength)
    {
        Version = version;
        Source = source;
        Destination = destination;
        Protocol = protocol;
        IsFragment = isFragment;
        Ttl = ttl;
        Packet = packet;
        HeaderLength = headerLength;
    }

    /// <summary>
    /// Parses an IPv4 (RFC 791) or IPv6 (RFC 8200) packet. For IPv6 the extension header chain
    /// is walked, so <see cref="Protocol"/> is the upper-layer protocol. A fragment returns
    /// <see cref="WireStatus.Fragment"/> with <paramref name="ip"/> set.
    /// </summary>
    public static WireStatus TryParse(ReadOnlySpan<byte> packet, out IpPacket ip)
        => TryParse(packet, out ip, verifyChecksum: true);

    /// <summary>
    /// Parses as <see cref="TryParse(ReadOnlySpan{byte}, out IpPacket)"/> does; with
    /// <paramref name="verifyChecksum"/> false the IPv4 header checksum is not checked (IPv6 has none),
    /// for capture readers that must see packets whose checksums were offloaded.
    /// </summary>
    public static WireStatus TryParse(ReadOnlySpan<byte> packet, out IpPacket ip, bool verifyChecksum)
    {
        ip = default;
        if (packet.IsEmpty)
            return WireStatus.Truncated;
        switch (packet[0] >> 4)
        {
            case 4:
            {
                var status = Ipv4Packet.TryParse(packet, out var v4, verifyChecksum);
                if (status is WireStatus.Ok or WireStatus.Fragment)
                    ip = new IpPacket(4, v4.Source, v4.Destination, v4.Protocol, v4.IsFragment, v4.Ttl, v4.Packet, v4.HeaderLength);
                return status;
            }
            case 6:
            {
                var status = Ipv6Packet.TryParse(packet, out var v6);
                if (status is WireStatus.Ok or WireStatus.Fragment)
                    ip = new IpPacket(6, v6.Source, v6.Destination, v6.NextHeader, v6.IsFragment, v6.HopLimit, v6.Packet, v6.HeaderLength);
                return status;
            }
            default:
                return WireStatus.BadVersion;
        }
    }

    /// <summary>4 or 6.</summary>
    public int Version { get; }

    public IpAddress Source { get; }

    public IpAddress Destination { get; }

    /// <summary>The upper-layer protocol (for IPv6, after the extension headers).</summary>
    public IpProtocol Protocol { get; }

    public bool IsFragment { get; }

    /// <summary>IPv4 TTL or IPv6 hop limit.</summary>
    public byte Ttl { get; }

    /// <summary>The packet up to its total length (link-layer padding removed).</summary>
    public ReadOnlySpan<byte> Packet { get; }

    /// <summary>Bytes before the upper-layer payload: IPv4 header with options, or IPv6 header plus extension headers.</summary>
    public int HeaderLength { get; }

    public int TotalLength => Packet.Length;

    /// <summary>The upper-layer message (for a fragment, just this fragment's data).</summary>
    public ReadOnlySpan<byte> Payload => Packet[HeaderLength..];

    /// <summary>
    /// The TCP segment this packet carries: <see cref="WireStatus.NotTcp"/> for another protocol,
    /// <see cref="WireStatus.Fragment"/> for a fragment, otherwise the result of <see cref="TcpPacket.TryParse"/>.
    /// The pseudo-header uses the IP destination, which is the final one at the recipient (RFC 8200 §8.1).
    /// </summary>
    public WireStatus TryGetTcp(out TcpPacket tcp, bool verifyChecksum = true)
    {
        tcp = default;
        if (Protocol != IpProtocol.Tcp)
            return WireStatus.NotTcp;
        if (IsFragment)
            return WireStatus.Fragment;
        return TcpPacket.TryParse(Payload, Source, Destination, out tcp, verifyChecksum);
    }

    /// <summary>Bytes <see cref="WriteTcp"/> will write for this header and payload length.</summary>
    public static int TcpPacketLength(IpAddress src, in TcpOptions options, int payloadLength)
        => (src.IsV6 ? Ipv6Packet.FixedHeaderLength : Ipv4Packet.MinHeaderLength) + TcpPacket.HeaderLengthFor(options) + payloadLength;

    /// <summary>
    /// Writes a whole IP + TCP packet, IPv4 (DF set, RFC 1191) or IPv6 after the family of
    /// <paramref name="src"/>; returns its total length.
    /// </summary>
    public static int WriteTcp(Span<byte> dest, IpAddress src, IpAddress dst, in TcpHeaderFields h,
        ReadOnlySpan<byte> payload, byte ttl = 64, ushort identification = 0)
    {
        if (src.IsV6 != dst.IsV6)
            throw new ArgumentException("source and destination are of different IP versions", nameof(dst));
        if (src.IsV6)
        {
            int tcpLength6 = TcpPacket.Write(dest[Ipv6Packet.FixedHeaderLength..], h, payload, src, dst);
            Ipv6Packet.WriteHeader(dest, src, dst, IpProtocol.Tcp, tcpLength6, ttl);
            return Ipv6Packet.FixedHeaderLength + tcpLength6;
        }
        int tcpLength = TcpPacket.Write(dest[Ipv4Packet.MinHeaderLength..], h, payload, src, dst);
        var ip = new Ipv4HeaderFields
        {
            Source = src,
            Destination = dst,
            Protocol = IpProtocol.Tcp,
            Ttl = ttl,
            Identification = identification,
            DontFragment = true,
        };
        Ipv4Packet.WriteHeader(dest, ip, tcpLength);
        return Ipv4Packet.MinHeaderLength + tcpLength;
    }
}
