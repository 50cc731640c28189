using System.Buffers.Binary;

namespace SynAck.Wire;

/// <summary>
/// A read-only view of an IPv6 packet (RFC 8200). Parsing walks the extension header chain
/// (hop-by-hop, routing, fragment, destination options, AH) so that <see cref="NextHeader"/>
/// is the upper-layer protocol and <see cref="Payload"/> its message. A fragment (RFC 8200 §4.5)
/// stops the walk and parses with status <see cref="WireStatus.Fragment"/>.
/// </summary>
public readonly ref struct Ipv6Packet
{
    /// <summary>The fixed IPv6 header (RFC 8200 §3).</summary>
    public const int FixedHeaderLength = 40;

    private readonly ReadOnlySpan<byte> _packet;

    private Ipv6Packet(ReadOnlySpan<byte> packet, int headerLength, IpProtocol nextHeader, bool isFragment,
        int fragmentOffset, bool moreFragments, uint fragmentIdentification)
    {
        _packet = packet;
        HeaderLength = headerLength;
        NextHeader = nextHeader;
        IsFragment = isFragment;
        FragmentOffset = fragmentOffset;
        MoreFragments = moreFragments;
        FragmentIdentification = fragmentIdentification;
    }

    /// <summary>
    /// Parses <paramref name="packet"/>; bytes past 40 + payload length (link-layer padding) are ignored.
    /// </summary>
    public static WireStatus TryParse(ReadOnlySpan<byte> packet, out Ipv6Packet ip)
    {
        ip = default;
        if (packet.Length < FixedHeaderLength)
            return WireStatus.Truncated;
        if (packet[0] >> 4 != 6)
            return WireStatus.BadVersion;
        int total = FixedHeaderLength + BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        if (total > packet.Length)
            return WireStatus.Truncated;
        packet = packet[..total];

        var next = (IpProtocol)packet[6];
        int offset = FixedHeaderLength;
        bool isFragment = false;
        bool more = false;
        int fragmentOffset = 0;
        uint identification = 0;
        bool walking = true;
        while (walking)
        {
            int length;
            switch (next)
            {
                case IpProtocol.HopByHop when offset != FixedHeaderLength:
                    // RFC 8200 §4.1: hop-by-hop options may only follow the fixed header.
                    return WireStatus.BadExtensionHeader;
                case IpProtocol.HopByHop:
                case IpProtocol.Routing:
                case IpProtocol.DestinationOptions:
                    // RFC 8200 §4.3, §4.4, §4.6: Hdr Ext Len counts 8-octet units beyond the first.
                    if (offset + 2 > total)
                        return WireStatus.BadExtensionHeader;
                    length = (packet[offset + 1] + 1) * 8;
                    break;
                case IpProtocol.Ah:
                    // RFC 4302 §2.2: Payload Len counts 4-octet units, minus 2.
                    if (offset + 2 > total)
                        return WireStatus.BadExtensionHeader;
                    length = (packet[offset + 1] + 2) * 4;
                    break;
                case IpProtocol.Fragment:
                {
                    if (offset + 8 > total)
                        return WireStatus.BadExtensionHeader;
                    ushort field = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
                    fragmentOffset = (field >> 3) * 8;
                    more = (field & 1) != 0;
                    identification = BinaryPrimitives.ReadUInt32BigEndian(packet[(offset + 4)..]);
                    // RFC 6946: an "atomic" fragment (offset 0, M clear) is a whole packet; keep walking.
                    isFragment = more || fragmentOffset != 0;
                    walking = !isFragment;
                    length = 8;
                    break;
                }
                default:
                    walking = false;
                    continue;
            }
            if (offset + length > total)
                return WireStatus.BadExtensionHeader;
            next = (IpProtocol)packet[offset];
            offset += length;
        }
        ip = new Ipv6Packet(packet, offset, next, isFragment, fragmentOffset, more, identification);
        return isFragment ? WireStatus.Fragment : WireStatus.Ok;
    }

    public int Version => 6;

    public byte TrafficClass => (byte)(BinaryPrimitives.ReadUInt16BigEndian(_packet) >> 4);

    public uint FlowLabel => BinaryPrimitives.ReadUInt32BigEndian(_packet) & 0xFFFFF;

    /// <summary>The Payload Length field: bytes after the fixed header, extension headers included.</summary>
    public int PayloadLength => _packet.Length - FixedHeaderLength;

    /// <summary>The upper-layer protocol after the extension headers (for a fragment, the fragment header's Next Header).</summary>
    public IpProtocol NextHeader { get; }

    public byte HopLimit => _packet[7];

    public IpAddress Source => IpAddress.V6(_packet[8..]);

    public IpAddress Destination => IpAddress.V6(_packet[24..]);

    /// <summary>Fixed header plus every extension header walked.</summary>
    public int HeaderLength { get; }

    public bool IsFragment { get; }

    /// <summary>The fragment offset in bytes, when a fragment header was met.</summary>
    public int FragmentOffset { get; }

    public bool MoreFragments { get; }

    public uint FragmentIdentification { get; }

    public int TotalLength => _packet.Length;

    public ReadOnlySpan<byte> Packet => _packet;

    public ReadOnlySpan<byte> Payload => _packet[HeaderLength..];

    /// <summary>Writes the 40-byte fixed header (traffic class and flow label zero); returns 40.</summary>
    public static int WriteHeader(Span<byte> dest, IpAddress src, IpAddress dst, IpProtocol next, int payloadLength, byte hopLimit = 64)
    {
        if (!src.IsV6 || !dst.IsV6)
            throw new ArgumentException("IPv6 header needs IPv6 addresses", nameof(src));
        if ((uint)payloadLength > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(payloadLength), "jumbograms are not supported");
        if (dest.Length < FixedHeaderLength)
            throw new ArgumentException("destination shorter than 40 bytes", nameof(dest));
        BinaryPrimitives.WriteUInt32BigEndian(dest, 6u << 28);
        BinaryPrimitives.WriteUInt16BigEndian(dest[4..], (ushort)payloadLength);
        dest[6] = (byte)next;
        dest[7] = hopLimit;
        src.WriteTo(dest[8..]);
        dst.WriteTo(dest[24..]);
        return FixedHeaderLength;
    }
}
