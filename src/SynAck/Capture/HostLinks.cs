using System.Buffers.Binary;

namespace SynAck.Capture;

/// <summary>Pseudo-headers that capturing hosts put in front of packets: BSD loopback, Linux cooked
/// (SLL, SLL2), IPoIB, Solaris ipnet, Linux NFLOG, Apple PKTAP, OpenBSD pflog and enc, Juniper, netANALYZER.</summary>
internal static class HostLinks
{
    // BSD address families used in NULL/LOOP, pflog and enc headers: AF_INET is 2 everywhere, AF_INET6 differs
    // (NetBSD/OpenBSD 24, FreeBSD/DragonFly 28, macOS 30; Linux 10).
    private const uint AfInet = 2;
    private const uint AfInet6NetBsd = 24;
    private const uint AfInet6FreeBsd = 28;
    private const uint AfInet6Darwin = 30;
    private const uint AfInet6Linux = 10;
    private const ushort LinuxProtocolLlc = 0x0004; // ETH_P_802_2 in an SLL header
    private const int IpoibHeaderLength = 44;        // libpcap: destination and source hardware addresses (20 each), type, reserved
    private const int IpnetHeaderLength = 24;
    private const byte IpnetInet6 = 26;              // Solaris AF_INET6
    private const ushort NflogPayload = 9;           // NFULA_PAYLOAD
    private const byte JuniperFlagExtension = 0x80;
    private const byte JuniperFlagNoL2 = 0x02;

    /// <summary>The 4-byte family word is in the capturing host's order (NULL) or network order
    /// (LOOP), but files mix them up, so both orders are tried: a family is a small number, so
    /// only one reading of the word can fit in 16 bits.</summary>
    public static LinkDecodeStatus DecodeLoopback(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < 4)
            return LinkDecodeStatus.Truncated;
        var family = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (family > 0xFFFF)
            family = BinaryPrimitives.ReadUInt32BigEndian(frame);
        return ByFamily(family, frame[4..], out ip);
    }

    private static LinkDecodeStatus ByFamily(uint family, ReadOnlySpan<byte> packet, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        return family switch
        {
            AfInet => IpStart.Accept(packet, 4, out ip),
            AfInet6NetBsd or AfInet6FreeBsd or AfInet6Darwin or AfInet6Linux => IpStart.Accept(packet, 6, out ip),
            _ => LinkDecodeStatus.NotIp,
        };
    }

    /// <summary>Linux cooked v1: packet type, ARPHRD type, address length, 8 address bytes, then the protocol.</summary>
    public static LinkDecodeStatus DecodeSll(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < 16)
            return LinkDecodeStatus.Truncated;
        var protocol = BinaryPrimitives.ReadUInt16BigEndian(frame[14..]);
        return protocol == LinuxProtocolLlc ? EtherTypes.FollowLlcSnap(frame[16..], depth, ref trail, out ip) : EtherTypes.Follow(protocol, frame[16..], depth, ref trail, out ip);
    }

    /// <summary>Linux cooked v2: protocol first, then reserved, interface index, ARPHRD, packet type, address length, address.</summary>
    public static LinkDecodeStatus DecodeSll2(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < 20)
            return LinkDecodeStatus.Truncated;
        var protocol = BinaryPrimitives.ReadUInt16BigEndian(frame);
        return protocol == LinuxProtocolLlc ? EtherTypes.FollowLlcSnap(frame[20..], depth, ref trail, out ip) : EtherTypes.Follow(protocol, frame[20..], depth, ref trail, out ip);
    }

    /// <summary>IP over InfiniBand (RFC 4391) as libpcap writes it: two 20-byte hardware addresses, a 2-byte EtherType, 2 reserved bytes.</summary>
    public static LinkDecodeStatus DecodeIpoib(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < IpoibHeaderLength)
            return LinkDecodeStatus.Truncated;
        return EtherTypes.Follow(BinaryPrimitives.ReadUInt16BigEndian(frame[40..]), frame[IpoibHeaderLength..], depth, ref trail, out ip);
    }

    /// <summary>Solaris ipnet: version, family (2 or 26), then a 24-byte header in all.</summary>
    public static LinkDecodeStatus DecodeIpnet(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < IpnetHeaderLength)
            return LinkDecodeStatus.Truncated;
        return frame[1] switch
        {
            (byte)AfInet => IpStart.Accept(frame[IpnetHeaderLength..], 4, out ip),
            IpnetInet6 => IpStart.Accept(frame[IpnetHeaderLength..], 6, out ip),
            _ => LinkDecodeStatus.NotIp,
        };
    }

    /// <summary>Linux NFLOG: family, version, resource id, then TLVs (length and type in host order, values padded to 4 bytes);
    /// the packet is the NFULA_PAYLOAD value.</summary>
    public static LinkDecodeStatus DecodeNflog(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < 4)
            return LinkDecodeStatus.Truncated;
        byte family = frame[0];
        int at = 4;
        while (at + 4 <= frame.Length)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(frame[at..]);
            int type = BinaryPrimitives.ReadUInt16LittleEndian(frame[(at + 2)..]) & 0x7FFF;
            if (length < 4)
                return LinkDecodeStatus.Truncated;
            if (type == NflogPayload)
            {
                var value = frame[(at + 4)..Math.Min(frame.Length, at + length)];
                return ByFamily(family, value, out ip);
            }
            at += (length + 3) & ~3;
        }
        return LinkDecodeStatus.NotIp;
    }

    /// <summary>Apple PKTAP: its own length and the link type of the frame after it (little-endian).</summary>
    public static LinkDecodeStatus DecodePktap(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < 8)
            return LinkDecodeStatus.Truncated;
        long length = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        var inner = (LinkType)BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]);
        if (length < 8 || length > frame.Length)
            return LinkDecodeStatus.Truncated;
        return LinkLayer.DecodeLink(inner, frame[(int)length..], depth + 1, ref trail, out ip);
    }

    /// <summary>OpenBSD pflog: the header's length (first byte, padded to 4), the family at byte 1.</summary>
    public static LinkDecodeStatus DecodePflog(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < 4)
            return LinkDecodeStatus.Truncated;
        int length = (frame[0] + 3) & ~3;
        if (length < 4 || frame.Length < length)
            return LinkDecodeStatus.Truncated;
        return ByFamily(frame[1], frame[length..], out ip);
    }

    /// <summary>OpenBSD enc: a 12-byte header whose first word is the family in host order.</summary>
    public static LinkDecodeStatus DecodeEnc(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < 12)
            return LinkDecodeStatus.Truncated;
        var family = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (family > 0xFFFF)
            family = BinaryPrimitives.ReadUInt32BigEndian(frame);
        return ByFamily(family, frame[12..], out ip);
    }

    /// <summary>Juniper's capture header: "MGC", flags, then (when the extension flag is set) a length-prefixed TLV area;
    /// an Ethernet frame follows unless the no-L2 flag says the packet starts there.</summary>
    public static LinkDecodeStatus DecodeJuniperEthernet(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < 4)
            return LinkDecodeStatus.Truncated;
        if (frame[0] != 'M' || frame[1] != 'G' || frame[2] != 'C')
            return LinkDecodeStatus.NotIp;
        byte flags = frame[3];
        int at = 4;
        if ((flags & JuniperFlagExtension) != 0)
        {
            if (frame.Length < 6)
                return LinkDecodeStatus.Truncated;
            at = 6 + BinaryPrimitives.ReadUInt16BigEndian(frame[4..]);
        }
        if (frame.Length < at)
            return LinkDecodeStatus.Truncated;
        if ((flags & JuniperFlagNoL2) != 0)
        {
            // No L2 header: a 4-byte protocol family word precedes the packet.
            return frame.Length < at + 4 ? LinkDecodeStatus.Truncated : IpStart.Accept(frame[(at + 4)..], 0, out ip);
        }
        return EthernetFrame.Decode(frame[at..], depth + 1, ref trail, out ip);
    }

    /// <summary>Hilscher netANALYZER: a 4-byte pseudo-header (transparent mode adds the 8-byte preamble and SFD), then Ethernet.</summary>
    public static LinkDecodeStatus DecodeNetAnalyzer(ReadOnlySpan<byte> frame, int header, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        return frame.Length < header ? LinkDecodeStatus.Truncated : EthernetFrame.Decode(frame[header..], depth + 1, ref trail, out ip);
    }
}
