using System.Globalization;
using System.Xml.Linq;
using SynAck.Analysis.States;
using SynAck.Tcp;

namespace SynAck.Analysis.Tests.States;

/// <summary>The state diagram's geometry: labels readable and apart, reset arcs in the sink, the canvas holding it all.</summary>
public sealed class StateDiagramLayoutTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void NoTwoLabelsOverlap()
    {
        var boxes = StateDiagramPlan.Build(StateTableEdges.All, null, null).LabelBoxes.ToList();
        Assert.NotEmpty(boxes);
        for (int i = 0; i < boxes.Count; i++)
        {
            for (int j = i + 1; j < boxes.Count; j++)
                Assert.False(boxes[i].Intersects(boxes[j]), $"label {boxes[i]} overlaps {boxes[j]}");
        }
    }

    [Fact]
    public void NoLabelCoversAStateOrALine()
    {
        var plan = StateDiagramPlan.Build(StateTableEdges.All, null, null);
        var segments = plan.Transitions.SelectMany(t => (t.MainRoute?.Segments() ?? []).Concat(Pairs(t.ResetPath ?? [])))
            .Concat(plan.Bus.SelectMany(Pairs)).ToList();
        foreach (var label in plan.LabelBoxes)
        {
            Assert.All(plan.States, s => Assert.False(s.Box.Intersects(label), $"label {label} covers {s.State}"));
            Assert.All(segments, s => Assert.False(label.Intersects(s.A, s.B), $"label {label} crosses the line {s.A}–{s.B}"));
        }
    }

    [Fact]
    public void ResetAbortAndTimeoutArcsGoToTheSinkUnlabelled()
    {
        var plan = StateDiagramPlan.Build(StateTableEdges.All, null, null);
        Assert.NotNull(plan.Sink);
        var resets = StateTableEdges.All.Where(StateDiagramPlan.IsReset).ToList();
        Assert.NotEmpty(resets);
        foreach (var e in resets)
        {
            var t = Assert.Single(plan.Transitions, t => t.From == e.From && t.To == e.To);
            Assert.NotNull(t.ResetPath);
            Assert.DoesNotContain(e.Cause, t.Label ?? "", StringComparison.Ordinal);
        }
        // The figure-5 arcs into CLOSED keep their own labelled routes.
        Assert.Contains(plan.Transitions, t => t.From == "LAST-ACK" && t.To == "CLOSED" && t.Label == "rcv ACK");
        Assert.Contains(plan.Transitions, t => t.From == "TIME-WAIT" && t.To == "CLOSED" && t.Label!.StartsWith("2MSL timeout", StringComparison.Ordinal));
        Assert.DoesNotContain(plan.Transitions, t => t.Label is { } l && (l.Contains("ABORT", StringComparison.Ordinal) || l.Contains("rcv RST", StringComparison.Ordinal) && t.To == "CLOSED"));
    }

    [Fact]
    public void TheSvgDrawsOneDashedUnlabelledStubPerStateWithResetArcs()
    {
        var doc = XDocument.Parse(new StateDiagramRenderer().RenderSvg(StateTableEdges.All, "t"));
        var groups = doc.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "transition").ToList();
        var resetStates = StateTableEdges.All.Where(StateDiagramPlan.IsReset).Select(e => e.From).Distinct().ToList();
        foreach (var from in resetStates)
        {
            var g = Assert.Single(groups, g => (string?)g.Attribute("data-from") == from && (string?)g.Attribute("data-to") == "CLOSED");
            var stub = Assert.Single(g.Elements(Svg + "path"), p => (string?)p.Attribute("class") == "reset");
            Assert.NotNull(stub.Attribute("stroke-dasharray"));
        }
        var pureReset = groups.Where(g => ((string)g.Attribute("data-causes")!).Split(',').All(c => c is "rcv RST" or "ABORT" or "timeout") && (string?)g.Attribute("data-to") == "CLOSED").ToList();
        Assert.NotEmpty(pureReset);
        Assert.All(pureReset, g => Assert.Empty(g.Elements(Svg + "text")));
        Assert.Single(doc.Descendants(Svg + "g"), g => (string?)g.Attribute("class") == "sink");
        Assert.Contains("rcv RST, ABORT or timeout", doc.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void AHighlightedResetArcIsDrawnAllTheWayIntoTheSink()
    {
        var timeout = new StateEdge("SYN-SENT", "CLOSED", "timeout");
        var plan = StateDiagramPlan.Build(StateTableEdges.All, new HashSet<StateEdge> { timeout }, null);
        var t = Assert.Single(plan.Transitions, t => t.From == "SYN-SENT" && t.To == "CLOSED");
        Assert.Equal("L", t.ResetMark);
        Assert.Equal("", t.MainMark);
        var end = t.ResetPath![^1];
        var sink = plan.Sink!.Value;
        Assert.Equal(sink.CenterY, end.Y);
        Assert.True(end.X == sink.X || end.X == sink.Right);
    }

    [Fact]
    public void TheCanvasHoldsEverythingBelowTheTitleAndLegend()
    {
        var plan = StateDiagramPlan.Build(StateTableEdges.All, null, null);
        var root = XDocument.Parse(new StateDiagramRenderer().RenderSvg(StateTableEdges.All, "t", new HashSet<StateEdge>(), null)).Root!;
        double width = double.Parse((string)root.Attribute("width")!, CultureInfo.InvariantCulture);
        double height = double.Parse((string)root.Attribute("height")!, CultureInfo.InvariantCulture);
        var shift = root.Elements(Svg + "g").Single(g => ((string?)g.Attribute("transform"))?.StartsWith("translate", StringComparison.Ordinal) == true);
        var xy = ((string)shift.Attribute("transform")!)["translate(".Length..^1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        double left = plan.Bounds.X + xy[0], top = plan.Bounds.Y + xy[1];
        Assert.InRange(left, 0, width);
        Assert.True(top >= 60, $"the figure starts at {top}, under the legend");
        Assert.True(plan.Bounds.Right + xy[0] <= width, "wider than the canvas");
        Assert.True(plan.Bounds.Bottom + xy[1] <= height, "taller than the canvas");
        Assert.True(height - (plan.Bounds.Bottom + xy[1]) < 60, "the canvas ends near the figure");
    }

    [Fact]
    public void EveryTableArcIsInThePlan()
    {
        var plan = StateDiagramPlan.Build(StateTableEdges.All, null, null);
        var drawn = plan.Transitions.SelectMany(t => t.Edges).ToHashSet();
        Assert.All(TcpStateTable.Transitions, t => Assert.Contains(StateTableEdges.ToEdge(t), drawn));
        Assert.All(plan.Transitions, t => Assert.True(t.MainRoute is not null || t.ResetPath is not null));
        Assert.Equal(11, plan.States.Count);
    }

    private static IEnumerable<(DiagramPoint A, DiagramPoint B)> Pairs(IReadOnlyList<DiagramPoint> points)
    {
        for (int i = 1; i < points.Count; i++)
            yield return (points[i - 1], points[i]);
    }
}
