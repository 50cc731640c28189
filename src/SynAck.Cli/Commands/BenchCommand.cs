using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using SynAck.Analysis.Benchmark;

namespace SynAck.Cli.Commands;

/// <summary>
/// <c>synack bench analyze [--size 1GiB] [--file F]</c>: generates a capture of many realistic connections (or takes
/// F), analyses it as <c>synack analyze</c> does, and prints the throughput, the connections found and the peak
/// memory (with <c>--runs</c>, <c>--json</c> or <c>--markdown</c>: the analysis rate as a suite figure, see
/// <see cref="BenchSuiteCommand"/>). Exit codes: 0 done, 2 bad input, 3 the capture was damaged. The other
/// benchmarks are <see cref="BenchSuiteCommand"/>'s.
/// </summary>
internal static class BenchCommand
{
    private const long MiB = 1024 * 1024;

    /// <summary>The <c>bench</c> command with <c>analyze</c> and the suite's subcommands.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var size = new Option<string>("--size") { Description = "size of the capture to generate (e.g. 100MiB, 1GiB, 500MB)", DefaultValueFactory = _ => "1GiB" };
        var file = new Option<string?>("--file") { Description = "analyse this capture instead of generating one", HelpName = "FILE" };
        var keep = new Option<string?>("--keep") { Description = "write the generated capture to FILE and keep it", HelpName = "FILE" };
        var seed = new Option<ulong>("--seed") { Description = "seed of the generated traffic", DefaultValueFactory = _ => 1UL };
        var runs = new Option<int?>("--runs") { Description = "measure the analysis rate over N runs of a generated capture (median, min, max)" };
        var json = new Option<bool>("--json") { Description = "write the analysis rate as JSON (performance.md's shape)" };
        var markdown = new Option<bool>("--markdown") { Description = "write the analysis rate as a Markdown table" };
        var analyze = new Command("analyze", "Measure synack analyze: MB/s, connections, peak memory on a generated (or given) capture")
        {
            size, file, keep, seed, runs, json, markdown,
        };
        analyze.SetAction(r =>
        {
            bool interactive = BenchSuiteCommand.Interactive(output);
            if (r.GetValue(runs) is null && !r.GetValue(json) && !r.GetValue(markdown))
                return Execute(r.GetValue(size)!, r.GetValue(file), r.GetValue(keep), r.GetValue(seed), output, error, interactive);
            if (r.GetValue(file) is not null || r.GetValue(keep) is not null)
                return Usage.Fail(error, "--runs, --json and --markdown measure a generated capture: leave out --file and --keep");
            var request = new BenchSuiteCommand.Request(r.GetValue(runs) ?? 5, r.GetValue(size), null, null, 5, r.GetValue(seed), r.GetValue(json), r.GetValue(markdown));
            return BenchSuiteCommand.Execute(["analyze"], request, output, error, interactive);
        });
        var bench = new Command("bench", "Benchmarks of performance.md: SynAck beside the kernel doing the same work, in the same run") { analyze };
        foreach (var c in BenchSuiteCommand.Create(output, error))
            bench.Subcommands.Add(c);
        bench.Subcommands.Add(GoodputCommand.Create(output, error));
        return bench;
    }

    internal static int Execute(string sizeText, string? file, string? keep, ulong seed, TextWriter output, TextWriter error, bool interactive)
    {
        if (!TryParseSize(sizeText, out long size))
            return Usage.Fail(error, $"--size needs a size such as 100MiB, 1GiB or 500MB, not '{sizeText}'");
        if (file is not null && !File.Exists(file))
            return Usage.Fail(error, $"no such capture '{file}'");

        string path = file ?? keep ?? Path.Combine(Path.GetTempPath(), $"synack-bench-{Environment.ProcessId}.pcap");
        try
        {
            if (file is null)
            {
                var generated = Generate(path, size, seed, output, interactive);
                output.WriteLine(FormattableString.Invariant(
                    $"generated {Mebibytes(generated.Totals.Bytes)} in {generated.Elapsed.TotalSeconds:F1} s: {generated.Totals.Packets:N0} packets, {generated.Totals.Connections:N0} connections, {generated.Totals.Retransmissions:N0} retransmissions, {generated.Totals.SpanNanoseconds / 1e9:F0} s of traffic"));
            }
            // Peak RSS is a lifetime figure: on Linux, writing 5 to clear_refs resets it so it covers the analysis alone.
            bool peakReset = TryResetPeakResidentSet();
            var measured = Analyse(path, interactive);
            using var self = Process.GetCurrentProcess();
            self.Refresh();
            long peakWorkingSet = self.PeakWorkingSet64;
            Report(output, measured, peakWorkingSet, peakReset);
            if (measured.Error is { } damage)
            {
                error.WriteLine($"capture damaged at byte offset {damage.Offset}: {damage.Message}");
                return AnalyzeCommand.Partial;
            }
            return 0;
        }
        catch (IOException e)
        {
            error.WriteLine("error: " + e.Message);
            return Usage.BadInput;
        }
        finally
        {
            if (file is null && keep is null)
                File.Delete(path);
        }
    }

    private static (TrafficTotals Totals, TimeSpan Elapsed) Generate(string path, long size, ulong seed, TextWriter output, bool interactive)
    {
        var clock = Stopwatch.StartNew();
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        var generator = new TrafficGenerator(seed);
        TrafficTotals totals = null!;
        if (interactive)
        {
            AnsiConsole.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask("generating", maxValue: size);
                totals = generator.Write(stream, size, b => task.Value = Math.Min(b, size));
            });
        }
        else
        {
            totals = generator.Write(stream, size);
        }
        return (totals, clock.Elapsed);
    }

    private static AnalysisMeasurement Analyse(string path, bool interactive)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (!interactive)
            return MeasuredAnalysis.Run(stream);
        AnalysisMeasurement result = null!;
        long length = stream.Length;
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask("analysing", maxValue: length);
            result = MeasuredAnalysis.Run(stream, progress: b => task.Value = b);
        });
        return result;
    }

    private static void Report(TextWriter output, AnalysisMeasurement m, long peakWorkingSet, bool peakReset)
    {
        var s = m.Summary;
        output.WriteLine(FormattableString.Invariant(
            $"analysed {Mebibytes(m.Bytes)} in {m.Elapsed.TotalSeconds:F2} s: {m.MegabytesPerSecond:F0} MB/s, {m.Frames:N0} frames ({m.Frames / Math.Max(m.Elapsed.TotalSeconds, 1e-9) / 1e6:F2} M/s)"));
        output.WriteLine(FormattableString.Invariant(
            $"connections: {m.Connections:N0} (at most {m.PeakActiveConnections:N0} followed at once); {m.RetransmittedSegments:N0} retransmissions in {m.ConnectionsWithRetransmissions:N0} of them; unanswered SYNs {s.UnansweredSynConnections:N0}; resets {s.ResetByOriginator + s.ResetByResponder:N0}"));
        string scope = peakReset ? "during the analysis" : "whole process";
        output.WriteLine(FormattableString.Invariant(
            $"peak memory: working set {peakWorkingSet / (double)MiB:F0} MiB ({scope}), managed heap {m.PeakHeapBytes / (double)MiB:F0} MiB (live {m.PeakManagedBytes / (double)MiB:F0} MiB), {m.AllocatedBytes / (double)MiB:F0} MiB allocated, {m.Gen2Collections} gen-2 GCs"));
        output.WriteLine(peakWorkingSet < 256 * MiB ? "peak working set is under 256 MiB" : "peak working set is OVER 256 MiB");
    }

    private static bool TryResetPeakResidentSet()
    {
        try
        {
            if (!OperatingSystem.IsLinux())
                return false;
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string Mebibytes(long bytes) => FormattableString.Invariant($"{bytes / (double)MiB:F1} MiB");

    /// <summary>"1GiB", "100 MiB", "500MB", "2G", "12345": binary units for Ki/Mi/Gi and K/M/G, decimal for kB/MB/GB.</summary>
    internal static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var t = text.Trim();
        int i = 0;
        while (i < t.Length && (char.IsAsciiDigit(t[i]) || t[i] == '.'))
            i++;
        if (i == 0 || !double.TryParse(t[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value))
            return false;
        double scale = t[i..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KIB" => 1024,
            "M" or "MIB" => MiB,
            "G" or "GIB" => 1024.0 * MiB,
            "KB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            _ => 0,
        };
        if (scale == 0 || value * scale < 1 || value * scale > 1L << 42)
            return false;
        bytes = (long)(value * scale);
        return true;
    }
}
