namespace SynAck.Analysis.Conversations;

/// <summary>What the analyzer did with the frames of a capture. Frames it could not read to a TCP segment are
/// counted by reason: <c>NotIp</c> (the link layer carried ARP, spanning tree...), <c>UnsupportedLinkType</c>
/// (a link type SynAck does not decode), <c>LinkTruncated</c> (ended inside a link-layer or tunnel header),
/// <c>Encrypted</c> (802.11 protected frames, MACsec), <c>NotTcp</c>, <c>Fragments</c>, <c>Malformed</c>.</summary>
public sealed record PacketCounts(long Frames, long TcpSegments, long NotIp, long NotTcp, long Fragments, long Truncated, long Malformed, long BadChecksums,
    long UnsupportedLinkType = 0, long LinkTruncated = 0, long Encrypted = 0);
