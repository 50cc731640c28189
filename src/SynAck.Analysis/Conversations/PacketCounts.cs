namespace SynAck.Analysis.Conversations;

/// <summary>What the analyzer did with the frames of a capture.</summary>
public sealed record PacketCounts(long Frames, long TcpSegments, long NotIp, long NotTcp, long Fragments, long Truncated, long Malformed, long BadChecksums);
