using SynAck.Analysis.Ladder;
using SynAck.Time;

namespace SynAck.Analysis.Conversations;

/// <summary>One segment of a connection as kept for its ladder: when the capture saw it, who sent it, and what it said (relative numbers).</summary>
public sealed record CapturedSegment(long Frame, Instant At, ConnectionSide From, SegmentSummary Summary, TcpExpertFlags Expert);
