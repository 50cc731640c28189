namespace SynAck.Analysis.States;

/// <summary>
/// All arcs between one pair of states: the main arcs share one labelled route, the reset arcs one dashed path
/// into the sink (just the stub, or the whole way when highlighted).
/// </summary>
internal sealed record TransitionPlan(string From, string To, IReadOnlyList<StateEdge> Edges, string Mark,
    string? Label, EdgeRoute? MainRoute, string MainMark, IReadOnlyList<DiagramPoint>? ResetPath, string ResetMark)
{
    public DiagramRect LabelBox { get; set; }
}
