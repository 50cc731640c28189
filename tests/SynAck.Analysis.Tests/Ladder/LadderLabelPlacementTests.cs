using System.Xml.Linq;
using SynAck.Analysis.Ladder;
using SynAck.Analysis.Scenarios;
using SynAck.Analysis.States;

namespace SynAck.Analysis.Tests.Ladder;

/// <summary>Segment labels on the SVG ladder: one per arrow, along and above it, on a halo, never on top of each other.</summary>
public sealed class LadderLabelPlacementTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static TheoryData<string> Scenarios() => ["lifecycle", "close", "lost-final-ack", "syn-lost", "simultaneous-close"];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void NoTwoSegmentLabelsOverlap(string scenario)
    {
        var ladder = ScenarioRunner.Run(scenario).Ladder;
        var labels = SvgLadderRenderer.PlaceLabels(ladder);
        Assert.Equal(ladder.Segments.Count(), labels.Count);
        var quads = labels.Values.Select(p => p.Corners).ToList();
        for (int i = 0; i < quads.Count; i++)
        {
            for (int j = i + 1; j < quads.Count; j++)
                Assert.False(LadderLabelPlacer.Overlap(quads[i], quads[j]), $"{scenario}: labels {i} and {j} overlap");
        }
    }

    [Fact]
    public void EachLabelRunsAlongItsArrowOnTheUpperSide()
    {
        var ladder = ScenarioRunner.Run("lifecycle").Ladder;
        var doc = XDocument.Parse(new SvgLadderRenderer().Render(ladder));
        var groups = doc.Descendants(Svg + "g").Where(g => ((string?)g.Attribute("class"))?.Split(' ').Contains("segment") == true).ToList();
        Assert.Equal(ladder.Segments.Count(), groups.Count);
        foreach (var g in groups)
        {
            var line = g.Element(Svg + "line")!;
            var text = Assert.Single(g.Elements(Svg + "text"));
            double x1 = D(line, "x1"), y1 = D(line, "y1"), x2 = D(line, "x2"), y2 = D(line, "y2");
            double tx = D(text, "x"), ty = D(text, "y");
            Assert.Equal("stroke", (string?)text.Attribute("paint-order"));
            Assert.Equal("#fff", (string?)text.Attribute("stroke"));
            // The rotation is the arrow's own slope, read left to right.
            double slope = Math.Atan2(y2 - y1, x2 - x1) * 180 / Math.PI;
            if (slope > 90)
                slope -= 180;
            else if (slope < -90)
                slope += 180;
            string rotate = (string)text.Attribute("transform")!;
            double angle = double.Parse(rotate["rotate(".Length..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(angle, slope - 0.01, slope + 0.01);
            // The label's start lies between the timelines and above the arrow's line (y grows downwards).
            Assert.InRange(tx, Math.Min(x1, x2), Math.Max(x1, x2));
            double lineY = y1 + (y2 - y1) * (tx - x1) / (x2 - x1);
            Assert.True(ty < lineY, $"label at y={ty} is not above its arrow (y={lineY:0.#} there)");
            Assert.True(lineY - ty < 30, $"label at y={ty} strays from its arrow (y={lineY:0.#} there)");
        }
    }

    [Fact]
    public void CrossingArrowsGetTheirLabelsNearTheirOwnSenders()
    {
        var ladder = ScenarioRunner.Run("lifecycle").Ladder;
        var labels = SvgLadderRenderer.PlaceLabels(ladder);
        // With nothing in the way, a label starts near the sender's end: the first SYN's label hugs the left timeline.
        var syn = ladder.Segments.First();
        Assert.Equal(LadderSide.Left, syn.From);
        double left = labels[syn].Corners.Min(c => c.X);
        double right = labels[syn].Corners.Max(c => c.X);
        var lastFromRight = ladder.Segments.Last(s => s.From == LadderSide.Right);
        Assert.True(labels[lastFromRight].Corners.Max(c => c.X) > right, "a right-hand sender's label sits further right");
        Assert.True(left < labels[lastFromRight].Corners.Min(c => c.X));
    }

    [Fact]
    public void OverlapIsDetectedForRotatedBoxesOnlyWhenTheyReallyOverlap()
    {
        DiagramPoint[] a = [new(0, 0), new(10, 0), new(10, 10), new(0, 10)];
        DiagramPoint[] b = [new(5, 5), new(15, 5), new(15, 15), new(5, 15)];
        DiagramPoint[] touching = [new(10, 0), new(20, 0), new(20, 10), new(10, 10)];
        // A diamond whose bounding box overlaps a's corner region but whose area does not.
        DiagramPoint[] diamond = [new(17, 5), new(22, 10), new(17, 15), new(12, 10)];
        Assert.True(LadderLabelPlacer.Overlap(a, b));
        Assert.False(LadderLabelPlacer.Overlap(a, touching));
        Assert.False(LadderLabelPlacer.Overlap(a, diamond));
    }

    private static double D(XElement e, string name) => double.Parse((string)e.Attribute(name)!, System.Globalization.CultureInfo.InvariantCulture);
}
