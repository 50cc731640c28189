using System.Buffers.Binary;

namespace SynAck.Capture;

/// <summary>Tunnels over UDP, recognised by their IANA ports as Wireshark does by default.</summary>
internal static class UdpTunnels
{
    private const ushort Vxlan = 4789;      // RFC 7348
    private const ushort VxlanGpe = 4790;   // draft-ietf-nvo3-vxlan-gpe
    private const ushort Geneve = 6081;     // RFC 8926
    private const ushort GtpU = 2152;       // 3GPP TS 29.281
    private const ushort Teredo = 3544;     // RFC 4380
    private const ushort L2tp = 1701;       // RFC 2661

    public static LinkDecodeStatus Decode(ReadOnlySpan<byte> udp, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (udp.Length < 8)
            return LinkDecodeStatus.Truncated;
        ushort src = BinaryPrimitives.ReadUInt16BigEndian(udp);
        ushort dst = BinaryPrimitives.ReadUInt16BigEndian(udp[2..]);
        var payload = udp[8..];
        int mark = trail.Mark;
        var status = ByPort(dst, payload, depth, ref trail, out ip);
        if (status == LinkDecodeStatus.Ip || src == dst)
            return status;
        trail.Truncate(mark);
        return ByPort(src, payload, depth, ref trail, out ip);
    }

    private static LinkDecodeStatus ByPort(ushort port, ReadOnlySpan<byte> p, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        switch (port)
        {
            case Vxlan:
                // RFC 7348 §5: 8 bytes, the I flag (0x08) set when the 24-bit VNI (bytes 4-6) is valid; an Ethernet frame follows.
                if (p.Length < 8)
                    return LinkDecodeStatus.Truncated;
                trail.Add(TunnelKind.Vxlan, Vni(p), (p[0] & 0x08) != 0);
                return EthernetFrame.Decode(p[8..], depth + 1, ref trail, out ip);
            case VxlanGpe:
                if (p.Length < 8)
                    return LinkDecodeStatus.Truncated;
                trail.Add(TunnelKind.VxlanGpe, Vni(p), (p[0] & 0x08) != 0);
                return p[3] switch
                {
                    1 => IpStart.Accept(p[8..], 4, out ip),
                    2 => IpStart.Accept(p[8..], 6, out ip),
                    3 => EthernetFrame.Decode(p[8..], depth + 1, ref trail, out ip),
                    _ => LinkDecodeStatus.NotIp,
                };
            case Geneve:
            {
                // RFC 8926 §3.4: version (2 bits), options length (6 bits, in 4-byte words), flags, protocol type.
                if (p.Length < 8)
                    return LinkDecodeStatus.Truncated;
                if (p[0] >> 6 != 0)
                    return LinkDecodeStatus.NotIp;
                int header = 8 + (p[0] & 0x3F) * 4;
                if (p.Length < header)
                    return LinkDecodeStatus.Truncated;
                trail.Add(TunnelKind.Geneve, Vni(p));
                return EtherTypes.Follow(BinaryPrimitives.ReadUInt16BigEndian(p[2..]), p[header..], depth, ref trail, out ip);
            }
            case GtpU:
                return DecodeGtpU(p, ref trail, out ip);
            case Teredo:
                trail.Add(TunnelKind.Teredo, 0, hasId: false);
                return DecodeTeredo(p, out ip);
            case L2tp:
                return DecodeL2tp(p, depth, ref trail, out ip);
            default:
                return LinkDecodeStatus.NotIp;
        }
    }

    /// <summary>3GPP TS 29.281 §5.1: version 1, PT set, message type 255 (G-PDU) carries a user packet;
    /// the E, S and PN flags add 4 bytes, and extension headers chain by their last byte.</summary>
    private static uint Vni(ReadOnlySpan<byte> header) => (uint)(header[4] << 16 | header[5] << 8 | header[6]);

    private static LinkDecodeStatus DecodeGtpU(ReadOnlySpan<byte> p, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (p.Length < 8)
            return LinkDecodeStatus.Truncated;
        if (p[0] >> 5 != 1 || (p[0] & 0x10) == 0 || p[1] != 0xFF)
            return LinkDecodeStatus.NotIp;
        trail.Add(TunnelKind.GtpU, BinaryPrimitives.ReadUInt32BigEndian(p[4..]));
        int at = 8;
        if ((p[0] & 0x07) != 0)
        {
            if (p.Length < 12)
                return LinkDecodeStatus.Truncated;
            byte next = p[11];
            at = 12;
            for (int n = 0; next != 0; n++)
            {
                if (n > EtherTypes.MaxDepth || p.Length < at + 1)
                    return LinkDecodeStatus.Truncated;
                int length = p[at] * 4;
                if (length == 0 || p.Length < at + length)
                    return LinkDecodeStatus.Truncated;
                next = p[at + length - 1];
                at += length;
            }
        }
        return IpStart.Accept(p[at..], 0, out ip);
    }

    /// <summary>RFC 4380 §5.1.1: an IPv6 packet, perhaps after an authentication indicator (type 1) and an
    /// origin indication (type 0, 8 bytes).</summary>
    private static LinkDecodeStatus DecodeTeredo(ReadOnlySpan<byte> p, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (p.Length >= 4 && p[0] == 0 && p[1] == 1)
        {
            int length = 4 + p[2] + p[3] + 8 + 1;
            if (p.Length < length)
                return LinkDecodeStatus.Truncated;
            p = p[length..];
        }
        if (p.Length >= 2 && p[0] == 0 && p[1] == 0)
        {
            if (p.Length < 8)
                return LinkDecodeStatus.Truncated;
            p = p[8..];
        }
        return IpStart.Accept(p, 6, out ip);
    }

    /// <summary>RFC 2661 §3.1: an L2TPv2 data message (T clear) has optional length, sequence and offset fields, then PPP.</summary>
    private static LinkDecodeStatus DecodeL2tp(ReadOnlySpan<byte> p, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (p.Length < 6)
            return LinkDecodeStatus.Truncated;
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(p);
        if ((flags & 0x8000) != 0 || (flags & 0x000F) != 2)
            return LinkDecodeStatus.NotIp;
        int at = 2;
        if ((flags & 0x4000) != 0)
            at += 2;
        if (p.Length < at + 4)
            return LinkDecodeStatus.Truncated;
        trail.Add(TunnelKind.L2tp, BinaryPrimitives.ReadUInt32BigEndian(p[at..]));
        at += 4; // tunnel and session ids
        if ((flags & 0x0800) != 0)
            at += 4;
        if ((flags & 0x0200) != 0)
        {
            if (p.Length < at + 2)
                return LinkDecodeStatus.Truncated;
            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(p[at..]);
        }
        return p.Length < at ? LinkDecodeStatus.Truncated : PppFrame.Decode(p[at..], depth + 1, ref trail, out ip);
    }
}
