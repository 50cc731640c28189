using System.Buffers.Binary;

namespace SynAck.Capture;

/// <summary>GRE (RFC 2784 with RFC 2890 key and sequence number; RFC 2637 enhanced GRE, version 1, for PPTP),
/// and the ERSPAN mirrors it carries (types I, II and III).</summary>
internal static class Gre
{
    private const ushort ChecksumPresent = 0x8000;
    private const ushort RoutingPresent = 0x4000;
    private const ushort KeyPresent = 0x2000;
    private const ushort SequencePresent = 0x1000;
    private const ushort AckPresent = 0x0080;   // RFC 2637 §4.1, version 1 only
    private const ushort ErspanII = 0x88BE;
    private const ushort ErspanIII = 0x22EB;
    private const ushort WccpRedirect = 0x883E;

    public static LinkDecodeStatus Decode(ReadOnlySpan<byte> gre, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (gre.Length < 4)
            return LinkDecodeStatus.Truncated;
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(gre);
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(gre[2..]);
        int version = flags & 0x7;
        if (version > 1 || (flags & RoutingPresent) != 0)
            return LinkDecodeStatus.NotIp;
        int at = 4;
        if ((flags & ChecksumPresent) != 0)
            at += 4;
        if ((flags & KeyPresent) != 0)
            at += 4;
        if ((flags & SequencePresent) != 0)
            at += 4;
        if (version == 1 && (flags & AckPresent) != 0)
            at += 4;
        if (gre.Length < at)
            return LinkDecodeStatus.Truncated;
        var payload = gre[at..];
        // RFC 2890 §2.1: the key follows the checksum word; in PPTP's GRE (RFC 2637 §4.1) its low half is the call id.
        int keyAt = (flags & ChecksumPresent) != 0 ? 8 : 4;
        bool hasKey = (flags & KeyPresent) != 0;
        uint key = hasKey ? BinaryPrimitives.ReadUInt32BigEndian(gre[keyAt..]) : 0;
        if (type is ErspanII or ErspanIII)
            // Types II and III: the 10-bit session id ends the header's first word; type I has none.
            trail.Add(TunnelKind.Erspan, payload.Length >= 4 ? BinaryPrimitives.ReadUInt16BigEndian(payload[2..]) & 0x3FFu : 0,
                hasId: (flags & SequencePresent) != 0 && payload.Length >= 4);
        else if (version == 1)
            trail.Add(TunnelKind.Pptp, key & 0xFFFF, hasKey);
        else
            trail.Add(TunnelKind.Gre, key, hasKey);
        switch (type)
        {
            case ErspanII:
                // Type I has no header (and no sequence number in GRE); type II has an 8-byte one.
                if ((flags & SequencePresent) == 0)
                    return EthernetFrame.Decode(payload, depth + 1, ref trail, out ip);
                return payload.Length < 8 ? LinkDecodeStatus.Truncated : EthernetFrame.Decode(payload[8..], depth + 1, ref trail, out ip);
            case ErspanIII:
                // A 12-byte header, then an 8-byte platform subheader when its O bit (the last bit) is set.
                if (payload.Length < 12)
                    return LinkDecodeStatus.Truncated;
                int header = (payload[11] & 0x01) != 0 ? 20 : 12;
                return payload.Length < header ? LinkDecodeStatus.Truncated : EthernetFrame.Decode(payload[header..], depth + 1, ref trail, out ip);
            case WccpRedirect:
                // WCCP redirection: IPv4, after a 4-byte redirect header in WCCP v2 (none in v1, where IP follows at once).
                if (payload.Length > 0 && payload[0] >> 4 == 4)
                    return IpStart.Accept(payload, 4, out ip);
                return payload.Length <= 4 ? LinkDecodeStatus.Truncated : IpStart.Accept(payload[4..], 4, out ip);
            default:
                return EtherTypes.Follow(type, payload, depth, ref trail, out ip);
        }
    }
}
