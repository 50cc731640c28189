namespace SynAck.Analysis.States;

/// <summary>One state's box; <paramref name="Visited"/> when a highlighted arc touches it.</summary>
internal sealed record StatePlan(string State, DiagramRect Box, bool Visited);
