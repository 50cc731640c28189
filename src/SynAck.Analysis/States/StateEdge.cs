namespace SynAck.Analysis.States;

/// <summary>One arc of a state diagram: a transition from one state to another and what causes it.</summary>
public sealed record StateEdge(string From, string To, string Cause);
