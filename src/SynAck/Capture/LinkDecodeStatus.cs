namespace SynAck.Capture;

/// <summary>Why <see cref="LinkLayer.Decode(LinkType, ReadOnlySpan{byte}, out ReadOnlySpan{byte})"/> did or did not find an IP packet in a frame.</summary>
public enum LinkDecodeStatus : byte
{
    /// <summary>An IPv4 or IPv6 packet was found.</summary>
    Ip,

    /// <summary>The frame carries another protocol (ARP, spanning tree, a PPP control protocol...).</summary>
    NotIp,

    /// <summary>The file's link-layer header type is not one SynAck decodes.</summary>
    UnsupportedLinkType,

    /// <summary>The frame ends inside a header, or a header field points past the frame.</summary>
    Truncated,

    /// <summary>The payload is encrypted (802.11 protected frames, MACsec) and cannot be read.</summary>
    Encrypted,

    /// <summary>More nested headers than a frame plausibly has: a loop or garbage.</summary>
    TooDeep,
}
