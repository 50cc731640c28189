using System.Buffers.Binary;

namespace SynAck.Capture;

/// <summary>
/// Follows an EtherType (IEEE 802 / RFC 7042 registry) to the IP packet beneath it, through the
/// tags and shims that sit between Ethernet and IP: 802.1Q/802.1ad VLAN tags, MPLS, PPPoE,
/// 802.1ah PBB, VN-tag, 802.1BR E-tag and transparent Ethernet bridging.
/// </summary>
internal static class EtherTypes
{
    public const ushort Ipv4 = 0x0800;
    public const ushort Ipv6 = 0x86DD;
    public const ushort Vlan = 0x8100;          // IEEE 802.1Q customer tag
    public const ushort QinQ = 0x88A8;          // IEEE 802.1ad service tag
    public const ushort QinQOld = 0x9100;       // pre-standard QinQ, still seen in the wild
    public const ushort QinQOld2 = 0x9200;
    public const ushort MplsUnicast = 0x8847;   // RFC 3032
    public const ushort MplsMulticast = 0x8848;
    public const ushort PppoeSession = 0x8864;  // RFC 2516 §4
    public const ushort Pbb = 0x88E7;           // IEEE 802.1ah I-TAG
    public const ushort VnTag = 0x8926;         // Cisco VN-tag / IEEE 802.1Qbh
    public const ushort ETag = 0x893F;          // IEEE 802.1BR
    public const ushort TransparentBridging = 0x6558; // RFC 1701: an Ethernet frame follows
    public const ushort Ppp = 0x880B;           // PPP, as GRE version 1 (RFC 2637) carries it
    public const ushort MacSec = 0x88E5;        // IEEE 802.1AE

    /// <summary>Bounds the nesting of tags and tunnels so that crafted frames cannot loop.</summary>
    public const int MaxDepth = 16;

    /// <summary>Finds the IP packet that <paramref name="payload"/>, labelled <paramref name="type"/>, carries.</summary>
    public static LinkDecodeStatus Follow(ushort type, ReadOnlySpan<byte> payload, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (++depth > MaxDepth)
            return LinkDecodeStatus.TooDeep;
        switch (type)
        {
            case Ipv4:
                return IpStart.Accept(payload, 4, out ip);
            case Ipv6:
                return IpStart.Accept(payload, 6, out ip);
            case Vlan or QinQ or QinQOld or QinQOld2:
                // Two bytes of TCI after the TPID (the VLAN id its low 12 bits), then the inner EtherType (IEEE 802.1Q §9.6).
                if (payload.Length < 4)
                    return LinkDecodeStatus.Truncated;
                trail.Add(TunnelKind.Vlan, BinaryPrimitives.ReadUInt16BigEndian(payload) & 0x0FFFu);
                return Follow(BinaryPrimitives.ReadUInt16BigEndian(payload[2..]), payload[4..], depth, ref trail, out ip);
            case VnTag:
                // A 4-byte tag (direction, pointer, destination and source VIFs), then the EtherType.
                trail.Add(TunnelKind.VnTag, 0, hasId: false);
                return payload.Length < 6 ? LinkDecodeStatus.Truncated : Follow(BinaryPrimitives.ReadUInt16BigEndian(payload[4..]), payload[6..], depth, ref trail, out ip);
            case ETag:
                // 802.1BR: a 6-byte tag, then the EtherType.
                trail.Add(TunnelKind.VnTag, 0, hasId: false);
                return payload.Length < 8 ? LinkDecodeStatus.Truncated : Follow(BinaryPrimitives.ReadUInt16BigEndian(payload[6..]), payload[8..], depth, ref trail, out ip);
            case Pbb:
                // 802.1ah: a 4-byte I-TAG (priority, flags, 24-bit I-SID), then the customer's whole Ethernet frame.
                if (payload.Length < 4)
                    return LinkDecodeStatus.Truncated;
                trail.Add(TunnelKind.Pbb, BinaryPrimitives.ReadUInt32BigEndian(payload) & 0xFFFFFFu);
                return EthernetFrame.Decode(payload[4..], depth, ref trail, out ip);
            case TransparentBridging:
                return EthernetFrame.Decode(payload, depth, ref trail, out ip);
            case MplsUnicast or MplsMulticast:
                return Mpls.Decode(payload, depth, ref trail, out ip);
            case PppoeSession:
                return PppFrame.DecodePppoe(payload, depth, ref trail, out ip);
            case Ppp:
                return PppFrame.Decode(payload, depth, ref trail, out ip);
            case MacSec:
                return LinkDecodeStatus.Encrypted;
            default:
                return LinkDecodeStatus.NotIp;
        }
    }

    /// <summary>An IEEE 802.2 LLC header with SNAP (AA AA 03, a 3-byte OUI, a 2-byte type: RFC 1042) in front of
    /// <paramref name="llc"/>: the type is an EtherType. Other LLC frames (spanning tree, NetBIOS...) are not IP.</summary>
    public static LinkDecodeStatus FollowLlcSnap(ReadOnlySpan<byte> llc, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (llc.Length < 3)
            return LinkDecodeStatus.Truncated;
        if (llc[0] != 0xAA || llc[1] != 0xAA || llc[2] != 0x03)
            return LinkDecodeStatus.NotIp;
        if (llc.Length < 8)
            return LinkDecodeStatus.Truncated;
        return Follow(BinaryPrimitives.ReadUInt16BigEndian(llc[6..]), llc[8..], depth, ref trail, out ip);
    }
}
