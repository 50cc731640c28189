namespace SynAck.Wire;

/// <summary>
/// The outcome of parsing a packet. Parsers never throw: a rejected packet comes back as one of
/// these reasons so the stack can count and drop it.
/// </summary>
public enum WireStatus : byte
{
    /// <summary>The packet parsed and every check passed.</summary>
    Ok,

    /// <summary>The buffer ends before the header (or the length the header claims) does.</summary>
    Truncated,

    /// <summary>The IP version nibble is not the one expected (4 or 6).</summary>
    BadVersion,

    /// <summary>IPv4 IHL below 5 or past the total length (RFC 791 §3.1).</summary>
    BadHeaderLength,

    /// <summary>The IP total/payload length disagrees with the header (RFC 791 §3.1, RFC 8200 §3).</summary>
    BadTotalLength,

    /// <summary>The Internet checksum (RFC 1071) does not verify.</summary>
    BadChecksum,

    /// <summary>TCP data offset below 5 or beyond the segment (RFC 9293 §3.1).</summary>
    BadDataOffset,

    /// <summary>A TCP option whose length is below 2, runs past the header, or is wrong for its kind.</summary>
    BadOptionLength,

    /// <summary>The packet is an IP fragment: its header parsed, but its payload is not a whole upper-layer message.</summary>
    Fragment,

    /// <summary>The packet uses a protocol this layer does not handle.</summary>
    UnsupportedProtocol,

    /// <summary>An IPv6 extension header is malformed, misplaced or runs past the packet (RFC 8200 §4).</summary>
    BadExtensionHeader,

    /// <summary>The IP packet does not carry TCP.</summary>
    NotTcp,
}
