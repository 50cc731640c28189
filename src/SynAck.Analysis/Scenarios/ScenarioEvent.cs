using SynAck.Time;

namespace SynAck.Analysis.Scenarios;

/// <summary>One line of a run's event list (<c>synack demo --json</c>): when, where, what, and its details as text.</summary>
/// <param name="At">Virtual time.</param>
/// <param name="Source">"client", "server" (a stack's event) or "network" (the simulator's).</param>
/// <param name="Kind">The event kind as the engine or simulator names it (SegmentSent, StateChanged, Dropped...).</param>
/// <param name="Detail">The event's fields in words: segment header, states and cause, reason.</param>
public sealed record ScenarioEvent(Instant At, string Source, string Kind, string Detail);
