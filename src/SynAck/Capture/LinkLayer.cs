using System.Buffers.Binary;

namespace SynAck.Capture;

/// <summary>
/// Finds the IP packet inside a captured frame by removing the link-layer header.
/// </summary>
public static class LinkLayer
{
    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeIpv6 = 0x86DD;
    private const ushort EtherTypeVlan = 0x8100;     // IEEE 802.1Q customer tag
    private const ushort EtherTypeQinQ = 0x88A8;     // IEEE 802.1ad service tag
    private const ushort EtherTypeQinQOld = 0x9100;  // pre-standard QinQ, still seen in the wild
    private const int MaxVlanTags = 8;

    // BSD address families used in NULL/LOOP headers: AF_INET is 2 everywhere, AF_INET6 differs
    // (NetBSD/OpenBSD 24, FreeBSD/DragonFly 28, macOS 30).
    private const uint AfInet = 2;
    private const uint AfInet6NetBsd = 24;
    private const uint AfInet6FreeBsd = 28;
    private const uint AfInet6Darwin = 30;

    /// <summary>
    /// Returns the IPv4 or IPv6 packet carried by <paramref name="frame"/>: strips Ethernet
    /// (with any number of 802.1Q / 802.1ad tags, up to 8), Linux cooked headers (SLL, SLL2),
    /// and NULL/LOOP family words (in either byte order); RAW, IPV4 and IPV6 frames are the
    /// packet. False for other link types, other protocols (ARP, ...), frames too short for
    /// their link header, or a packet whose IP version disagrees with the link header.
    /// The IP packet itself is not checked further (and may include Ethernet padding).
    /// </summary>
    public static bool TryGetIpPacket(LinkType linkType, ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> ipPacket)
    {
        ipPacket = default;
        switch (linkType)
        {
            case LinkType.Raw:
                return Accept(frame, 0, 0, out ipPacket);
            case LinkType.Ipv4:
                return Accept(frame, 0, 4, out ipPacket);
            case LinkType.Ipv6:
                return Accept(frame, 0, 6, out ipPacket);
            case LinkType.Ethernet:
                return frame.Length >= 14 && FollowEtherType(frame, 12, out ipPacket);
            case LinkType.LinuxSll:
                // packet type, ARPHRD type, address length, 8 address bytes, then the protocol.
                return frame.Length >= 16 && FollowEtherType(frame, 14, out ipPacket);
            case LinkType.LinuxSll2:
                // Protocol first, then reserved, interface index, ARPHRD, packet type, address length, address.
                if (frame.Length < 20)
                    return false;
                return BinaryPrimitives.ReadUInt16BigEndian(frame) switch
                {
                    EtherTypeIpv4 => Accept(frame, 20, 4, out ipPacket),
                    EtherTypeIpv6 => Accept(frame, 20, 6, out ipPacket),
                    _ => false,
                };
            case LinkType.Null:
            case LinkType.Loop:
                return LoopbackFamily(frame, out ipPacket);
            default:
                return false;
        }
    }

    /// <summary>Reads the EtherType at <paramref name="at"/>, steps over VLAN tags, and accepts IPv4 or IPv6.</summary>
    private static bool FollowEtherType(ReadOnlySpan<byte> frame, int at, out ReadOnlySpan<byte> ipPacket)
    {
        ipPacket = default;
        for (var tags = 0; tags <= MaxVlanTags; tags++)
        {
            if (frame.Length < at + 2)
                return false;
            switch (BinaryPrimitives.ReadUInt16BigEndian(frame[at..]))
            {
                case EtherTypeIpv4:
                    return Accept(frame, at + 2, 4, out ipPacket);
                case EtherTypeIpv6:
                    return Accept(frame, at + 2, 6, out ipPacket);
                case EtherTypeVlan or EtherTypeQinQ or EtherTypeQinQOld:
                    // A tag is 2 bytes of TCI after the TPID; the inner EtherType follows.
                    at += 4;
                    break;
                default:
                    return false;
            }
        }
        return false;
    }

    /// <summary>The 4-byte family word is in the capturing host's order (NULL) or network order
    /// (LOOP), but files mix them up, so both orders are tried: a family is a small number, so
    /// only one reading of the word can fit in 16 bits.</summary>
    private static bool LoopbackFamily(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> ipPacket)
    {
        ipPacket = default;
        if (frame.Length < 4)
            return false;
        var family = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (family > 0xFFFF)
            family = BinaryPrimitives.ReadUInt32BigEndian(frame);
        return family switch
        {
            AfInet => Accept(frame, 4, 4, out ipPacket),
            AfInet6NetBsd or AfInet6FreeBsd or AfInet6Darwin => Accept(frame, 4, 6, out ipPacket),
            _ => false,
        };
    }

    /// <summary>Accepts the bytes from <paramref name="at"/> when their version nibble is
    /// <paramref name="version"/> (or 4 or 6 when <paramref name="version"/> is 0).</summary>
    private static bool Accept(ReadOnlySpan<byte> frame, int at, int version, out ReadOnlySpan<byte> ipPacket)
    {
        ipPacket = default;
        if (frame.Length <= at)
            return false;
        var actual = frame[at] >> 4;
        if (version == 0 ? actual is not (4 or 6) : actual != version)
            return false;
        ipPacket = frame[at..];
        return true;
    }
}
