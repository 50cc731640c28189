using System.Xml.Linq;
using SynAck.Analysis.States;

namespace SynAck.Analysis.Tests.States;

public sealed class StateDiagramRendererTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly StateEdge[] Edges =
    [
        new("CLOSED", "LISTEN", "passive open"),
        new("CLOSED", "SYN-SENT", "active open"),
        new("LISTEN", "SYN-RECEIVED", "SYN"),
        new("SYN-SENT", "ESTABLISHED", "SYN,ACK"),
        new("SYN-RECEIVED", "ESTABLISHED", "ACK"),
        new("SYN-RECEIVED", "LISTEN", "RST"),
        new("SYN-RECEIVED", "CLOSED", "RST"),
        new("SYN-RECEIVED", "CLOSED", "timeout"),
    ];

    [Fact]
    public void TheSvgHasEveryStateAndOneArrowPerStatePair()
    {
        var doc = XDocument.Parse(new StateDiagramRenderer().RenderSvg(Edges, "test"));
        var states = doc.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "state").Select(g => (string)g.Attribute("data-state")!).ToHashSet();
        Assert.Equal(11, states.Count);
        var arrows = doc.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "transition").ToList();
        Assert.Equal(Edges.Select(e => (e.From, e.To)).Distinct().Count(), arrows.Count);
        var merged = Assert.Single(arrows, a => (string?)a.Attribute("data-from") == "SYN-RECEIVED" && (string?)a.Attribute("data-to") == "CLOSED");
        Assert.Equal("RST,timeout", (string?)merged.Attribute("data-causes"));
    }

    [Fact]
    public void HighlightedEdgesAreMarkedPerSide()
    {
        var left = new HashSet<StateEdge> { Edges[1], Edges[3] };
        var right = new HashSet<StateEdge> { Edges[0], Edges[2], Edges[4] };
        var doc = XDocument.Parse(new StateDiagramRenderer().RenderSvg(Edges, "test", left, right));
        var marks = doc.Descendants(Svg + "g").Where(g => g.Attribute("data-highlight") is not null)
            .ToDictionary(g => ((string)g.Attribute("data-from")!, (string)g.Attribute("data-to")!), g => (string)g.Attribute("data-highlight")!);
        Assert.Equal("L", marks[("CLOSED", "SYN-SENT")]);
        Assert.Equal("R", marks[("LISTEN", "SYN-RECEIVED")]);
        Assert.Equal(5, marks.Count);
    }

    [Fact]
    public void TheTextFormListsEachTransitionUnderItsSourceState()
    {
        string text = new StateDiagramRenderer().RenderText(Edges, left: new HashSet<StateEdge> { Edges[1] });
        Assert.Contains("L  → SYN-SENT      on active open", text, StringComparison.Ordinal);
        Assert.Contains("TIME-WAIT\n    (no transitions)", text, StringComparison.Ordinal);
    }
}
