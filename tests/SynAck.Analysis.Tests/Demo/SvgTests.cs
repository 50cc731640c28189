using System.Xml.Linq;
using SynAck.Analysis.Scenarios;

namespace SynAck.Analysis.Tests.Demo;

/// <summary><c>synack demo --svg</c>: valid XML with one arrow per segment, and headless Chromium draws it as a non-blank picture.</summary>
public sealed class SvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static TheoryData<string, WhatIf> EveryRun() => global::SynAck.Analysis.Tests.Scenarios.ScenarioRunnerTests.EveryRun();

    [Theory]
    [MemberData(nameof(EveryRun))]
    public void SvgIsValidXmlWithOneArrowPerSegment(string name, WhatIf whatIf)
    {
        string dir = Directory.CreateTempSubdirectory("synack-svg-").FullName;
        try
        {
            string svg = Path.Combine(dir, "ladder.svg");
            var args = new List<string> { "demo", name, "--svg", svg };
            if (whatIf != WhatIf.None)
                args.AddRange(["--what-if", ScenarioCatalog.Spell(whatIf)]);
            Assert.Equal(0, SynackCli.Run([.. args]).Code);
            var run = ScenarioRunner.Run(name, new ScenarioOptions { WhatIf = whatIf });
            var doc = XDocument.Load(svg);
            Assert.Equal(Svg + "svg", doc.Root!.Name);
            var arrows = doc.Descendants(Svg + "g").Where(g => ((string?)g.Attribute("class"))?.Split(' ').Contains("segment") == true).ToList();
            Assert.Equal(run.Ladder.Segments.Count(), arrows.Count);
            Assert.Equal(run.Ladder.Segments.Count(s => s.Dropped), arrows.Count(a => ((string)a.Attribute("class")!).Contains("dropped", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ChromiumRendersTheLifecycleLadderAsANonBlankPicture()
    {
        string chromium = Requirement.Tool("chromium");
        string dir = Directory.CreateTempSubdirectory("synack-chromium-").FullName;
        try
        {
            string svg = Path.Combine(dir, "lifecycle.svg");
            Assert.Equal(0, SynackCli.Run("demo", "lifecycle", "--svg", svg).Code);
            var (width, height, pixels) = Screenshot(chromium, svg, dir);
            Assert.Equal(1000, width);
            Assert.True(height > 0);
            var colours = pixels.Distinct().Count();
            int nonWhite = pixels.Count(p => p != 0xFFFFFF);
            // Text, arrows and timelines: many colours (antialiasing) and a real share of ink on the page.
            Assert.True(colours > 20, $"only {colours} colours: the screenshot looks blank");
            Assert.True(nonWhite > pixels.Length / 200, $"only {nonWhite} non-white pixels of {pixels.Length}");
            // The arrows are drawn in the ladder's blue: the SVG itself rendered, not just an empty page.
            Assert.Contains(pixels, p => p == 0x1F3B73);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static (int Width, int Height, int[] Pixels) Screenshot(string chromium, string file, string dir)
    {
        string png = Path.Combine(dir, "shot.png");
        string profile = Path.Combine(dir, "profile");
        Directory.CreateDirectory(profile);
        var (code, _, err) = ExternalProcess.Run(TimeSpan.FromSeconds(120), chromium,
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile, "--screenshot=" + png,
            "--window-size=1000,1400", new Uri(file).AbsoluteUri,
        ]);
        Assert.True(File.Exists(png), $"chromium wrote no screenshot (exit {code}): {err}");
        return Png.Decode(File.ReadAllBytes(png));
    }
}
