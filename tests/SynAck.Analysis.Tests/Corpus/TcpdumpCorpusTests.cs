using System.Collections.Concurrent;
using System.Globalization;
using SynAck.Cli.Commands;

namespace SynAck.Analysis.Tests.Corpus;

/// <summary>
/// The tcpdump project's regression captures (hundreds of link types, encapsulations and damaged records), each read
/// by SynAck and by tshark: no file may crash or hang the analysis, a file whose link type SynAck cannot decode must
/// make <c>synack analyze</c> exit non-zero with a message, and agreement with tshark (stream counts per file,
/// <c>tcp.completeness</c> and expert flags per stream) must not fall below the floors measured when the test was
/// written (above the targets of 95 %, 95 % and 98 %). SynAck's records are Zeek's connections: the ones
/// that share a Wireshark conversation (same <c>stream</c>) are merged before comparing. Every difference is printed
/// in the test output; those left are explained in docs/analyze-json.md.
/// </summary>
public sealed class TcpdumpCorpusTests
{
    private static readonly TimeSpan PerFileLimit = TimeSpan.FromSeconds(60);

    // Measured with tshark 4.0.17 (Debian 12): 118 captures with TCP, 222 streams; stream counts equal in 99.2 % of
    // files, completeness in 99.5 % of streams, expert flags in 99.5 % (the one stream left, TCP inside an sFlow
    // sample, is listed in docs/analyze-json.md with its reason).
    private const double StreamCountFloor = 0.99;
    private const double CompletenessFloor = 0.99;
    private const double ExpertFlagsFloor = 0.99;

    /// <summary>The corpus: <c>SYNACK_TCPDUMP_CAPTURES</c>, or <c>shared/peer-suites/tcpdump-captures</c> beside an ancestor of the test's folder.</summary>
    private static string? FindCorpus()
    {
        if (Environment.GetEnvironmentVariable("SYNACK_TCPDUMP_CAPTURES") is { Length: > 0 } dir)
            return Directory.Exists(dir) ? dir : null;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "shared", "peer-suites", "tcpdump-captures");
            if (Directory.Exists(candidate))
                return candidate;
        }
        return null;
    }

    [Fact]
    public void No_capture_crashes_or_hangs_undecodable_ones_exit_non_zero_and_agreement_with_tshark_holds_its_floor()
    {
        var corpus = FindCorpus();
        if (corpus is null)
        {
            if (Requirement.InCi)
                Assert.Fail("the tcpdump capture corpus (../shared/peer-suites/tcpdump-captures) is not here");
            Assert.Skip("the tcpdump capture corpus is not here (set SYNACK_TCPDUMP_CAPTURES)");
        }
        Requirement.Tool("tshark");
        var files = Directory.GetFiles(corpus).Where(f => f.EndsWith(".pcap", StringComparison.Ordinal) || f.EndsWith(".pcapng", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count > 100, $"only {files.Count} captures in {corpus}");

        var results = new ConcurrentBag<CorpusFileResult>();
        var failures = new ConcurrentBag<string>();
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, path =>
        {
            var name = Path.GetFileName(path);
            var ours = Task.Run(() => CorpusFileResult.AnalyzeWithSynAck(path));
            var theirs = TsharkCorpusReader.Read(path);
            try
            {
                if (!ours.Wait(PerFileLimit))
                {
                    failures.Add($"{name}: SynAck did not finish within {PerFileLimit.TotalSeconds} s");
                    return;
                }
            }
            catch (AggregateException e)
            {
                failures.Add($"{name}: SynAck threw {e.InnerException}");
                return;
            }
            var (streams, count, nothing) = ours.Result;
            results.Add(new CorpusFileResult { File = name, Tshark = theirs, SynAck = streams, SynAckStreamCount = count, NothingDecodable = nothing });
        });
        Assert.True(failures.IsEmpty, string.Join('\n', failures));

        var all = results.OrderBy(r => r.File, StringComparer.Ordinal).ToList();
        var withTcp = all.Where(r => r.HasTcp).ToList();
        int streams = withTcp.Sum(r => r.Tshark.Count);
        double filesEqual = (double)withTcp.Count(r => r.StreamCountEqual) / withTcp.Count;
        double completeness = (double)withTcp.Sum(r => r.CompletenessEqual) / streams;
        double flags = (double)withTcp.Sum(r => r.FlagsEqual) / streams;
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{all.Count} captures, {withTcp.Count} with TCP ({streams} tshark streams): stream count equal in {filesEqual:P1} of files, completeness in {completeness:P1} of streams, expert flags in {flags:P1}"));

        foreach (var r in all.Where(r => !r.AllEqual))
            output?.WriteLine($"differs: {r.File}: {r.Describe()}");
        Assert.True(filesEqual >= StreamCountFloor, $"stream count equal in {filesEqual:P1} of files with TCP (floor {StreamCountFloor:P0})");
        Assert.True(completeness >= CompletenessFloor, $"completeness equal in {completeness:P1} of streams (floor {CompletenessFloor:P0})");
        Assert.True(flags >= ExpertFlagsFloor, $"expert flags equal in {flags:P1} of streams (floor {ExpertFlagsFloor:P0})");

        // Undecodable files: the command says so and exits non-zero.
        foreach (var r in all.Where(r => r.NothingDecodable))
        {
            var stderr = new StringWriter();
            int code = AnalyzeCommand.Invoke([Path.Combine(corpus, r.File)], new StringWriter(), stderr);
            Assert.True(code != 0, $"{r.File}: exit code 0 for a capture SynAck cannot decode");
            Assert.Contains("cannot decode link type", stderr.ToString(), StringComparison.Ordinal);
        }
    }
}
