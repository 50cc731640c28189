using System.Buffers.Binary;
using SynAck.Wire;

namespace SynAck.Capture;

/// <summary>
/// Finds the innermost IP packet of IP tunnels: IP in IP (RFC 2003: 4in4, RFC 4213: 6in4, RFC 2473: 4in6
/// and 6in6), GRE (RFC 2784/2890, and PPTP's version 1) and the UDP tunnels Wireshark decodes on their
/// ports (VXLAN, VXLAN-GPE, Geneve, GTP-U, Teredo, L2TPv2).
/// </summary>
/// <remarks>Headers are read as far as the capture holds them: a packet cut short by the snap length
/// still yields its inner packet (as short as the outer one).</remarks>
internal static class IpTunnels
{
    private const byte ProtocolIpv4 = 4;
    private const byte ProtocolIpv6 = 41;
    private const byte ProtocolGre = 47;
    private const byte ProtocolUdp = 17;
    private const int UdpHeaderLength = 8;

    /// <summary>The innermost packet <paramref name="ip"/> carries through tunnels, or <paramref name="ip"/> itself.</summary>
    public static ReadOnlySpan<byte> Innermost(ReadOnlySpan<byte> ip, int depth, scoped ref TunnelTrail trail)
    {
        while (depth++ < EtherTypes.MaxDepth && TryInner(ip, depth, ref trail, out var inner))
            ip = inner;
        return ip;
    }

    private static bool TryInner(ReadOnlySpan<byte> ip, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> inner)
    {
        inner = default;
        if (!TryPayload(ip, out byte protocol, out var payload))
            return false;
        int mark = trail.Mark;
        if (protocol is ProtocolIpv4 or ProtocolIpv6)
            trail.Add(TunnelKind.IpInIp, 0, hasId: false);
        var status = protocol switch
        {
            ProtocolIpv4 => IpStart.Accept(payload, 4, out inner),
            ProtocolIpv6 => IpStart.Accept(payload, 6, out inner),
            ProtocolGre => Gre.Decode(payload, depth, ref trail, out inner),
            ProtocolUdp => UdpTunnels.Decode(payload, depth, ref trail, out inner),
            _ => LinkDecodeStatus.NotIp,
        };
        if (status != LinkDecodeStatus.Ip)
        {
            // Not a tunnel after all (or a damaged one): the packet itself is the innermost, and records nothing.
            trail.Truncate(mark);
            return false;
        }
        // The tunnel's own layer (the first one its decoder added) carries the outer addresses.
        bool v6 = ip[0] >> 4 == 6;
        trail.SetOuter(mark, IpAddress.Read(ip[(v6 ? 8 : 12)..], v6), IpAddress.Read(ip[(v6 ? 24 : 16)..], v6));
        return true;
    }

    /// <summary>The upper-layer protocol and payload of an unfragmented IPv4 or IPv6 packet (IPv6 extension
    /// headers walked, RFC 8200 §4); false for fragments after the first, damaged headers and other protocols.</summary>
    public static bool TryPayload(ReadOnlySpan<byte> ip, out byte protocol, out ReadOnlySpan<byte> payload)
    {
        protocol = 0;
        payload = default;
        if (ip.Length < 20)
            return false;
        int end;
        int at;
        if (ip[0] >> 4 == 4)
        {
            at = (ip[0] & 0x0F) * 4;
            end = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
            // RFC 791 §3.1: a fragment's payload is not a whole upper-layer message.
            if ((BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x3FFF) != 0 || at < 20 || end < at)
                return false;
            protocol = ip[9];
        }
        else if (ip[0] >> 4 == 6)
        {
            if (ip.Length < 40)
                return false;
            end = 40 + BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
            protocol = ip[6];
            at = 40;
            for (int n = 0; n < 8 && protocol is 0 or 43 or 44 or 60; n++)
            {
                if (ip.Length < at + 8)
                    return false;
                if (protocol == 44 && (BinaryPrimitives.ReadUInt16BigEndian(ip[(at + 2)..]) & 0xFFF9) != 0)
                    return false;
                byte next = ip[at];
                at += protocol == 44 ? 8 : (ip[at + 1] + 1) * 8;
                protocol = next;
            }
        }
        else
        {
            return false;
        }
        end = Math.Min(end, ip.Length);
        if (at > end)
            return false;
        payload = ip[at..end];
        return true;
    }
}
