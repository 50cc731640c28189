using System.Buffers.Binary;

namespace SynAck.Wire;

/// <summary>
/// A read-only view of an IPv4 packet (RFC 791 §3.1). Options (IHL &gt; 5) are skipped; a
/// fragment (MF set or a non-zero offset) parses with status <see cref="WireStatus.Fragment"/>
/// so that no caller mistakes its payload for a whole TCP segment.
/// </summary>
public readonly ref struct Ipv4Packet
{
    /// <summary>An IPv4 header without options.</summary>
    public const int MinHeaderLength = 20;

    private readonly ReadOnlySpan<byte> _packet;

    private Ipv4Packet(ReadOnlySpan<byte> packet, int headerLength)
    {
        _packet = packet;
        HeaderLength = headerLength;
    }

    /// <summary>
    /// Parses <paramref name="packet"/>. Bytes past the total length (link-layer padding) are
    /// ignored. Returns <see cref="WireStatus.Fragment"/> with <paramref name="ip"/> set when the
    /// packet is a fragment.
    /// </summary>
    public static WireStatus TryParse(ReadOnlySpan<byte> packet, out Ipv4Packet ip)
        => TryParse(packet, out ip, verifyChecksum: true);

    /// <summary>
    /// Parses <paramref name="packet"/> as <see cref="TryParse(ReadOnlySpan{byte}, out Ipv4Packet)"/> does;
    /// with <paramref name="verifyChecksum"/> false the header checksum is not checked, so a capture
    /// reader sees packets whose checksum was left for the NIC to fill in (checksum offload).
    /// </summary>
    public static WireStatus TryParse(ReadOnlySpan<byte> packet, out Ipv4Packet ip, bool verifyChecksum)
    {
        ip = default;
        if (packet.Length < MinHeaderLength)
            return WireStatus.Truncated;
        if (packet[0] >> 4 != 4)
            return WireStatus.BadVersion;
        int headerLength = (packet[0] & 0x0F) * 4;
        if (headerLength < MinHeaderLength)
            return WireStatus.BadHeaderLength;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (totalLength < headerLength)
            return totalLength < MinHeaderLength ? WireStatus.BadTotalLength : WireStatus.BadHeaderLength;
        if (totalLength > packet.Length)
            return WireStatus.Truncated;
        // RFC 791 §3.1: the header checksum covers the header only, options included.
        if (verifyChecksum && Checksum.Compute(packet[..headerLength]) != 0)
            return WireStatus.BadChecksum;
        ip = new Ipv4Packet(packet[..totalLength], headerLength);
        return ip.IsFragment ? WireStatus.Fragment : WireStatus.Ok;
    }

    public int Version => 4;

    public byte Tos => _packet[1];

    public int TotalLength => _packet.Length;

    public ushort Identification => BinaryPrimitives.ReadUInt16BigEndian(_packet[4..]);

    public bool DontFragment => (_packet[6] & 0x40) != 0;

    public bool MoreFragments => (_packet[6] & 0x20) != 0;

    /// <summary>The fragment offset in bytes (the field counts 8-byte units).</summary>
    public int FragmentOffset => (BinaryPrimitives.ReadUInt16BigEndian(_packet[6..]) & 0x1FFF) * 8;

    /// <summary>True for any fragment, first or later (RFC 791 §2.3).</summary>
    public bool IsFragment => MoreFragments || FragmentOffset != 0;

    public byte Ttl => _packet[8];

    public IpProtocol Protocol => (IpProtocol)_packet[9];

    public ushort HeaderChecksum => BinaryPrimitives.ReadUInt16BigEndian(_packet[10..]);

    public IpAddress Source => IpAddress.V4(BinaryPrimitives.ReadUInt32BigEndian(_packet[12..]));

    public IpAddress Destination => IpAddress.V4(BinaryPrimitives.ReadUInt32BigEndian(_packet[16..]));

    /// <summary>Header bytes including options (IHL × 4).</summary>
    public int HeaderLength { get; }

    public ReadOnlySpan<byte> Header => _packet[..HeaderLength];

    /// <summary>The option bytes between the fixed header and the payload.</summary>
    public ReadOnlySpan<byte> Options => _packet[MinHeaderLength..HeaderLength];

    public ReadOnlySpan<byte> Payload => _packet[HeaderLength..];

    /// <summary>The packet up to its total length.</summary>
    public ReadOnlySpan<byte> Packet => _packet;

    /// <summary>Writes a 20-byte header (no options) with its checksum; returns 20.</summary>
    public static int WriteHeader(Span<byte> dest, in Ipv4HeaderFields h, int payloadLength)
    {
        if (!h.Source.IsV4 || !h.Destination.IsV4)
            throw new ArgumentException("IPv4 header needs IPv4 addresses", nameof(h));
        int total = MinHeaderLength + payloadLength;
        if ((uint)total > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(payloadLength), "an IPv4 packet holds at most 65535 bytes");
        if (dest.Length < MinHeaderLength)
            throw new ArgumentException("destination shorter than 20 bytes", nameof(dest));
        dest[0] = 0x45;
        dest[1] = h.Tos;
        BinaryPrimitives.WriteUInt16BigEndian(dest[2..], (ushort)total);
        BinaryPrimitives.WriteUInt16BigEndian(dest[4..], h.Identification);
        dest[6] = h.DontFragment ? (byte)0x40 : (byte)0;
        dest[7] = 0;
        dest[8] = h.Ttl == 0 ? (byte)64 : h.Ttl;
        dest[9] = (byte)h.Protocol;
        dest[10] = 0;
        dest[11] = 0;
        h.Source.WriteTo(dest[12..]);
        h.Destination.WriteTo(dest[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(dest[10..], Checksum.Compute(dest[..MinHeaderLength]));
        return MinHeaderLength;
    }
}
