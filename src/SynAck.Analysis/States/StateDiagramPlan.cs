namespace SynAck.Analysis.States;

/// <summary>
/// The state diagram's geometry, decided before any SVG is written: each state's box, each arc's route and label
/// box, the reset stubs with their trunks, bus and sink, and the extent of it all. Arcs into CLOSED caused by a
/// reset, an abort or a timeout are drawn as unlabelled dashed stubs into one shared sink so that the arcs of
/// RFC 9293 figure 5 carry the picture; every transition of the table is still drawn, one group per state pair.
/// </summary>
internal sealed class StateDiagramPlan
{
    private static readonly HashSet<string> s_resetCauses = new(StringComparer.Ordinal) { "rcv RST", "ABORT", "timeout", "rcv ICMP error" };

    private StateDiagramPlan(List<StatePlan> states, List<TransitionPlan> transitions, List<IReadOnlyList<DiagramPoint>> bus, DiagramRect? sink, DiagramRect bounds)
    {
        States = states;
        Transitions = transitions;
        Bus = bus;
        Sink = sink;
        Bounds = bounds;
    }

    public IReadOnlyList<StatePlan> States { get; }

    public IReadOnlyList<TransitionPlan> Transitions { get; }

    /// <summary>The trunks and bus segments leading into the sink, each drawn once with an arrowhead at the sink.</summary>
    public IReadOnlyList<IReadOnlyList<DiagramPoint>> Bus { get; }

    /// <summary>The "CLOSED (reset, abort, timeout)" box, or null when no arc goes there.</summary>
    public DiagramRect? Sink { get; }

    /// <summary>Everything drawn, labels included.</summary>
    public DiagramRect Bounds { get; }

    /// <summary>Labelled arcs' label boxes, for overlap checks.</summary>
    public IEnumerable<DiagramRect> LabelBoxes => Transitions.Where(t => t.Label is not null).Select(t => t.LabelBox);

    /// <summary>An arc into CLOSED on a reset, an abort or a plain timeout (not TIME-WAIT's 2MSL).</summary>
    public static bool IsReset(StateEdge e) => e.To == "CLOSED" && e.From != "CLOSED" && s_resetCauses.Contains(e.Cause);

    public static StateDiagramPlan Build(IReadOnlyList<StateEdge> edges, ISet<StateEdge>? left, ISet<StateEdge>? right)
    {
        var states = StateDiagramLayout.States.Select(s => new StatePlan(s, StateDiagramLayout.Box(s),
            edges.Any(e => (e.From == s || e.To == s) && (Has(left, e) || Has(right, e))))).ToList();
        var pairs = edges.Select(e => (e.From, e.To)).ToHashSet();
        var placer = new LabelPlacer();
        foreach (var s in states)
            placer.AddObstacle(s.Box);

        var transitions = new List<TransitionPlan>();
        foreach (var group in edges.GroupBy(e => (e.From, e.To)))
        {
            var all = group.ToList();
            var main = all.Where(e => !IsReset(e)).ToList();
            var reset = all.Where(IsReset).ToList();
            var (from, to) = group.Key;
            EdgeRoute? mainRoute = main.Count > 0 ? StateDiagramLayout.MainRoute(from, to, pairs.Contains((to, from))) : null;
            string resetMark = Mark(reset, left, right);
            IReadOnlyList<DiagramPoint>? resetPath = reset.Count == 0 ? null
                : resetMark.Length > 0 || StateDiagramLayout.Stub(from) is null ? StateDiagramLayout.SinkPath(from) : StateDiagramLayout.Stub(from);
            transitions.Add(new TransitionPlan(from, to, all, Mark(all, left, right), main.Count > 0 ? string.Join(" | ", main.Select(e => e.Cause)) : null,
                mainRoute, Mark(main, left, right), resetPath, resetMark));
        }

        // Bus: one trunk per side that has stubs, down to the bus and along it into the sink.
        var bus = new List<IReadOnlyList<DiagramPoint>>();
        DiagramRect? sink = null;
        var resetFrom = transitions.Where(t => t.ResetPath is not null).Select(t => t.From).ToList();
        if (resetFrom.Count > 0)
        {
            sink = StateDiagramLayout.SinkBox;
            var junctions = resetFrom.Select(StateDiagramLayout.Stub).OfType<IReadOnlyList<DiagramPoint>>().Select(s => s[^1]).ToList();
            AddBusSide(bus, junctions.Where(j => j.X < sink.Value.CenterX).ToList(), StateDiagramLayout.LeftTrunkX, sink.Value.X);
            AddBusSide(bus, junctions.Where(j => j.X >= sink.Value.CenterX).ToList(), StateDiagramLayout.RightTrunkX, sink.Value.Right);
            placer.AddObstacle(sink.Value);
        }

        foreach (var t in transitions)
        {
            if (t.MainRoute is not null)
                placer.AddObstacle(t.MainRoute);
            if (t.ResetPath is not null)
                placer.AddObstacle(t.ResetPath);
        }
        foreach (var b in bus)
            placer.AddObstacle(b);

        // Longer labels first: they have the fewest places to go.
        foreach (var t in transitions.Where(t => t.Label is not null).OrderByDescending(t => t.Label!.Length))
            t.LabelBox = placer.Place(t.Label!, t.MainRoute!);

        var bounds = states.Select(s => s.Box).Aggregate((a, b) => a.Union(b));
        foreach (var t in transitions)
        {
            foreach (var p in (t.MainRoute?.Points ?? []).Concat(t.ResetPath ?? []))
                bounds = bounds.Union(p);
            if (t.Label is not null)
                bounds = bounds.Union(t.LabelBox);
        }
        if (sink is { } box)
            bounds = bounds.Union(box);
        return new StateDiagramPlan(states, transitions, bus, sink, bounds);
    }

    private static void AddBusSide(List<IReadOnlyList<DiagramPoint>> bus, List<DiagramPoint> junctions, double trunkX, double sinkEdgeX)
    {
        if (junctions.Count == 0)
            return;
        double busY = StateDiagramLayout.BusY;
        var onTrunk = junctions.Where(j => j.X == trunkX && j.Y != busY).ToList();
        if (onTrunk.Count > 0)
            bus.Add([new(trunkX, onTrunk.Min(j => j.Y)), new(trunkX, busY), new(sinkEdgeX, busY)]);
        else
        {
            // Only drops straight onto the bus: the bus starts at the farthest one.
            double far = junctions.MaxBy(j => Math.Abs(j.X - sinkEdgeX)).X;
            bus.Add([new(far, busY), new(sinkEdgeX, busY)]);
        }
    }

    internal static string Mark(IEnumerable<StateEdge> edges, ISet<StateEdge>? left, ISet<StateEdge>? right)
    {
        bool l = edges.Any(e => Has(left, e)), r = edges.Any(e => Has(right, e));
        return (l, r) switch { (true, true) => "LR", (true, false) => "L", (false, true) => "R", _ => "" };
    }

    private static bool Has(ISet<StateEdge>? set, StateEdge e) => set is not null && set.Contains(e);
}
