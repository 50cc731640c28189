using System.Buffers.Binary;

namespace SynAck.Capture;

/// <summary>PPP (RFC 1661) frames, bare or in HDLC-like framing (RFC 1662), and PPPoE sessions (RFC 2516).</summary>
internal static class PppFrame
{
    private const ushort ProtocolIpv4 = 0x0021;  // RFC 1332
    private const ushort ProtocolIpv6 = 0x0057;  // RFC 5072
    private const ushort ProtocolMpls = 0x0281;  // RFC 3032 §4.1
    private const int PppoeHeaderLength = 6;

    /// <summary>A PPP frame: an optional FF 03 address and control, then the protocol (one byte when
    /// compressed, RFC 1661 §6.5: an odd first byte), then the information field.</summary>
    public static LinkDecodeStatus Decode(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length >= 2 && frame[0] == 0xFF && frame[1] == 0x03)
            frame = frame[2..];
        if (frame.IsEmpty)
            return LinkDecodeStatus.Truncated;
        ushort protocol;
        if ((frame[0] & 1) != 0)
        {
            protocol = frame[0];
            frame = frame[1..];
        }
        else
        {
            if (frame.Length < 2)
                return LinkDecodeStatus.Truncated;
            protocol = BinaryPrimitives.ReadUInt16BigEndian(frame);
            frame = frame[2..];
        }
        return FollowProtocol(protocol, frame, depth, ref trail, out ip);
    }

    /// <summary>A PPPoE session packet (RFC 2516 §4): version/type, code, session id and length, then a PPP protocol field.</summary>
    public static LinkDecodeStatus DecodePppoe(ReadOnlySpan<byte> packet, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (packet.Length < PppoeHeaderLength + 2)
            return LinkDecodeStatus.Truncated;
        // Session data has code 0; other codes are discovery packets.
        if (packet[1] != 0)
            return LinkDecodeStatus.NotIp;
        trail.Add(TunnelKind.Pppoe, BinaryPrimitives.ReadUInt16BigEndian(packet[2..]));
        return Decode(packet[PppoeHeaderLength..], depth, ref trail, out ip);
    }

    private static LinkDecodeStatus FollowProtocol(ushort protocol, ReadOnlySpan<byte> information, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        return protocol switch
        {
            ProtocolIpv4 => IpStart.Accept(information, 4, out ip),
            ProtocolIpv6 => IpStart.Accept(information, 6, out ip),
            ProtocolMpls => Mpls.Decode(information, depth + 1, ref trail, out ip),
            _ => LinkDecodeStatus.NotIp,
        };
    }
}
