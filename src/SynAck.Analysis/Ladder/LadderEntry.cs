using SynAck.Time;

namespace SynAck.Analysis.Ladder;

/// <summary>One thing a ladder diagram shows: a segment crossing, a state change, or a note.</summary>
public abstract record LadderEntry(Instant At);

/// <summary>
/// A segment sent by <paramref name="From"/> at <see cref="LadderEntry.At"/>; it reached the other side at
/// <paramref name="ArrivedAt"/>, or never did (<paramref name="Dropped"/>, with the reason when known).
/// </summary>
public sealed record LadderSegment(Instant At, LadderSide From, SegmentSummary Segment, Instant? ArrivedAt, bool Dropped = false, string? DropReason = null)
    : LadderEntry(At);

/// <summary>A side entered <paramref name="State"/> (a name such as "SYN-SENT") at <see cref="LadderEntry.At"/>.</summary>
public sealed record LadderStateChange(Instant At, LadderSide Side, string State) : LadderEntry(At);

/// <summary>A remark tied to a moment, such as "2MSL = 60 s after entering TIME-WAIT".</summary>
public sealed record LadderNote(Instant At, string Text) : LadderEntry(At);
