namespace SynAck.Capture;

/// <summary>An MPLS label stack (RFC 3032 §2.1) and what lies under its bottom label: IPv4, IPv6, or an
/// Ethernet pseudowire (RFC 4448) with or without its control word.</summary>
internal static class Mpls
{
    private const int EntryLength = 4;

    public static LinkDecodeStatus Decode(ReadOnlySpan<byte> stack, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        var at = 0;
        while (true)
        {
            if (stack.Length < at + EntryLength)
                return LinkDecodeStatus.Truncated;
            bool bottom = (stack[at + 2] & 0x01) != 0;
            trail.Add(TunnelKind.Mpls, (uint)(stack[at] << 12 | stack[at + 1] << 4 | stack[at + 2] >> 4));
            at += EntryLength;
            if (bottom)
                break;
            if (at / EntryLength > EtherTypes.MaxDepth)
                return LinkDecodeStatus.TooDeep;
        }
        var payload = stack[at..];
        if (payload.IsEmpty)
            return LinkDecodeStatus.Truncated;
        // No type field: the first nibble tells (RFC 4385 §2: a pseudowire control word starts with 0000).
        return (payload[0] >> 4) switch
        {
            4 => IpStart.Accept(payload, 4, out ip),
            6 => IpStart.Accept(payload, 6, out ip),
            0 => payload.Length < 4 ? LinkDecodeStatus.Truncated : EthernetFrame.Decode(payload[4..], depth + 1, ref trail, out ip),
            1 => LinkDecodeStatus.NotIp, // RFC 5586 associated channel: OAM, not data
            _ => EthernetFrame.Decode(payload, depth + 1, ref trail, out ip),
        };
    }
}
