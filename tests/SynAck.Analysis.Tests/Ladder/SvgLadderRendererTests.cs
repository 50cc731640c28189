using System.Xml.Linq;
using SynAck.Analysis.Ladder;

namespace SynAck.Analysis.Tests.Ladder;

public sealed class SvgLadderRendererTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void TheFigureIsValidXmlWithOneArrowPerSegment()
    {
        var diagram = TextLadderRendererTests.Handshake();
        var doc = XDocument.Parse(new SvgLadderRenderer().Render(diagram));
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        var arrows = doc.Descendants(Svg + "g").Where(g => ((string?)g.Attribute("class"))?.Split(' ').Contains("segment") == true).ToList();
        Assert.Equal(diagram.Segments.Count(), arrows.Count);
        Assert.All(arrows, a => Assert.NotNull(a.Element(Svg + "line")!.Attribute("marker-end")));
    }

    [Fact]
    public void ADroppedSegmentIsMarkedWithACrossAndNoArrowHead()
    {
        var doc = XDocument.Parse(new SvgLadderRenderer().Render(TextLadderRendererTests.Handshake(dropAck: true)));
        var dropped = Assert.Single(doc.Descendants(Svg + "g"), g => ((string?)g.Attribute("class"))?.Contains("dropped", StringComparison.Ordinal) == true);
        Assert.Null(dropped.Element(Svg + "line")!.Attribute("marker-end"));
        Assert.Single(dropped.Elements(Svg + "path"), p => (string?)p.Attribute("class") == "drop");
    }

    [Fact]
    public void EveryStateChangeIsLabelledBesideItsTimeline()
    {
        var diagram = TextLadderRendererTests.Handshake();
        var doc = XDocument.Parse(new SvgLadderRenderer().Render(diagram));
        var states = doc.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "state").Select(t => t.Value).ToList();
        Assert.Equal(diagram.Entries.OfType<LadderStateChange>().Select(s => s.State), states);
    }
}
