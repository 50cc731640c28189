using System.Buffers.Binary;

namespace SynAck.Capture;

/// <summary>Point-to-point and WAN link headers: Cisco HDLC, Frame Relay (RFC 2427), SLIP, ATM LLC/SNAP (RFC 2684).</summary>
internal static class SerialLinks
{
    private const int SlipHeaderLength = 16; // libpcap's SLIP pseudo-header: direction, link byte, 14 bytes of compressed header
    private const byte NlpidIpv4 = 0xCC;
    private const byte NlpidIpv6 = 0x8E;
    private const byte NlpidSnap = 0x80;

    /// <summary>Cisco HDLC: address (0x0F unicast, 0x8F broadcast), control 0, then an EtherType.</summary>
    public static LinkDecodeStatus DecodeCiscoHdlc(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < 4)
            return LinkDecodeStatus.Truncated;
        return EtherTypes.Follow(BinaryPrimitives.ReadUInt16BigEndian(frame[2..]), frame[4..], depth, ref trail, out ip);
    }

    /// <summary>The PPP link type holds PPP frames, and sometimes Cisco HDLC frames (told apart by the address byte).</summary>
    public static LinkDecodeStatus DecodePpp(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length >= 1 && frame[0] is 0x0F or 0x8F)
            return DecodeCiscoHdlc(frame, depth, ref trail, out ip);
        return PppFrame.Decode(frame, depth, ref trail, out ip);
    }

    /// <summary>Frame Relay: a Q.922 address (ends at the byte whose EA bit is set), then either RFC 2427
    /// multiprotocol encapsulation (control 0x03, optional pad, NLPID) or Cisco's EtherType.</summary>
    public static LinkDecodeStatus DecodeFrameRelay(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        int at = 0;
        while (at < frame.Length && at < 4 && (frame[at] & 0x01) == 0)
            at++;
        at++;
        if (frame.Length < at + 2)
            return LinkDecodeStatus.Truncated;
        if (frame[at] != 0x03)
            return EtherTypes.Follow(BinaryPrimitives.ReadUInt16BigEndian(frame[at..]), frame[(at + 2)..], depth, ref trail, out ip);
        at++;
        if (frame[at] == 0x00)
            at++; // RFC 2427 §3: a pad byte aligns what follows
        if (frame.Length <= at)
            return LinkDecodeStatus.Truncated;
        switch (frame[at])
        {
            case NlpidIpv4:
                return IpStart.Accept(frame[(at + 1)..], 4, out ip);
            case NlpidIpv6:
                return IpStart.Accept(frame[(at + 1)..], 6, out ip);
            case NlpidSnap:
                // A 3-byte OUI and a 2-byte PID, an EtherType when the OUI is 0.
                if (frame.Length < at + 6)
                    return LinkDecodeStatus.Truncated;
                return EtherTypes.Follow(BinaryPrimitives.ReadUInt16BigEndian(frame[(at + 4)..]), frame[(at + 6)..], depth, ref trail, out ip);
            default:
                return LinkDecodeStatus.NotIp;
        }
    }

    /// <summary>SLIP: libpcap's 16-byte pseudo-header, then the IP packet (compressed TCP/IP is not IP).</summary>
    public static LinkDecodeStatus DecodeSlip(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        return frame.Length <= SlipHeaderLength ? LinkDecodeStatus.Truncated : IpStart.Accept(frame[SlipHeaderLength..], 0, out ip);
    }

    /// <summary>SunATM: flags, VPI, VCI, then (for LLC-multiplexed circuits) an LLC/SNAP header.</summary>
    public static LinkDecodeStatus DecodeSunAtm(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        return frame.Length < 4 ? LinkDecodeStatus.Truncated : EtherTypes.FollowLlcSnap(frame[4..], depth, ref trail, out ip);
    }
}
