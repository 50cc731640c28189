using System.Runtime.CompilerServices;
using System.Text;
using SynAck.Analysis.Benchmark.Goodput;
using SynAck.Tcp.Congestion;

namespace SynAck.Analysis.Tests.Benchmark;

/// <summary>
/// docs/goodput.md is the reviewed snapshot of <c>synack bench goodput</c>: the whole table (48 cells, about 6 s) is run
/// again here and must come out the same, byte for byte. With SYNACK_UPDATE_SNAPSHOTS=1 the page is rewritten instead,
/// to be reviewed in the diff before committing.
/// </summary>
public sealed class GoodputTableTests
{
    [Fact]
    public void The_page_in_docs_equals_a_fresh_run_of_the_table()
    {
        string actual = GoodputMarkdown.Write(GoodputTable.Run(seed: 1), seed: 1);
        string file = Path.Combine(RepositoryRoot(), "docs", "goodput.md");
        if (Environment.GetEnvironmentVariable("SYNACK_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(file, actual, new UTF8Encoding(false));
            return;
        }
        Assert.True(File.Exists(file), $"no {file}; run `{GoodputMarkdown.Command}` and review it");
        string expected = File.ReadAllText(file).ReplaceLineEndings("\n");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_table_has_every_combination_once()
    {
        var cells = GoodputTable.Cells();
        Assert.Equal(4 * 3 * 2 * 2, cells.Count);
        Assert.Equal(cells.Count, cells.Distinct().Count());
    }

    [Fact]
    public void Mathis_gives_reno_1_22_segments_per_rtt_over_the_root_of_p()
    {
        // p = 1 %: W = sqrt(1.5 / 0.01) = 12.247 segments; at 100 ms and 1448 B that is 12.247 · 1448 · 8 / 0.1 bit/s.
        double bps = ResponseFunction.BitsPerSecond(CongestionAlgorithm.NewReno, 0.01, 0.1, 1448);
        Assert.Equal(12.247 * 1448 * 8 / 0.1, bps, 0.001 * bps);
    }

    [Fact]
    public void Cubic_average_window_follows_rfc_9438_section_5_and_never_falls_below_reno()
    {
        // RFC 9438 §5.1: (C(3+β)/(4(1−β)))^¼ = (0.4 · 3.7 / 1.2)^¼ = 1.054.
        Assert.Equal(1.054, ResponseFunction.CubicWindow(1, 1), 0.001);
        // p = 0.1 %, RTT 100 ms: 1.054 · 0.1^¾ / 0.001^¾ = 1.054 · 100^¾ = 33.3 segments, below Reno's 38.7: the Reno-friendly region decides.
        Assert.Equal(1.054 * Math.Pow(100, 0.75), ResponseFunction.CubicWindow(0.001, 0.1), 0.01);
        double reno = ResponseFunction.BitsPerSecond(CongestionAlgorithm.NewReno, 0.001, 0.1, 1448);
        Assert.Equal(reno, ResponseFunction.BitsPerSecond(CongestionAlgorithm.Cubic, 0.001, 0.1, 1448));
        // A long fat path with rare loss is where CUBIC's own curve is above Reno's: p = 0.01 %, RTT 1 s.
        Assert.True(ResponseFunction.CubicWindow(0.0001, 1) > ResponseFunction.RenoWindow(0.0001));
    }

    private static string RepositoryRoot([CallerFilePath] string here = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));
}
