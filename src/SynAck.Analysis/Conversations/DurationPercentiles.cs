using SynAck.Time;

namespace SynAck.Analysis.Conversations;

/// <summary>Percentiles of a set of durations (exact up to 65,536 values, within 1.2 % beyond).</summary>
public sealed record DurationPercentiles(long Count, Duration? P50, Duration? P90, Duration? P99, Duration? Max);
