using System.Globalization;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary><c>analyze</c> in the suite: the analysis rate over a generated capture (no kernel equivalent).</summary>
internal static class AnalyzeBenchmark
{
    public const long DefaultBytes = 256L << 20;

    public static BenchResult Run(BenchOptions o)
    {
        long bytes = o.Bytes ?? DefaultBytes;
        string path = Path.Combine(Path.GetTempPath(), $"synack-bench-{Environment.ProcessId}.pcap");
        try
        {
            o.Progress("generating a capture", 0);
            using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20))
                new TrafficGenerator(o.Seed).Write(stream, bytes);
            var samples = RunSample.Repeat(o, "analysing", _ =>
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                var (wall, cpu) = (TimeSpan.Zero, TimeSpan.Zero);
                AnalysisMeasurement m = null!;
                (wall, cpu) = RunSample.Time(() => m = MeasuredAnalysis.Run(stream));
                if (m.Error is { } damage)
                    throw new InvalidOperationException($"the generated capture read as damaged at {damage.Offset}: {damage.Message}");
                return new RunSample(m.MegabytesPerSecond, m.Bytes, wall, cpu);
            });
            return new BenchResult("analyze")
            {
                Figures = [Figures.Of("analyze_rate", "MB/s", [], samples, null, null)],
                Notes = [string.Create(CultureInfo.InvariantCulture, $"synack analyze's streaming analysis over a generated capture of {bytes / (double)(1 << 20):F0} MiB (seed {o.Seed}), read from the page cache; no kernel equivalent")],
            };
        }
        finally
        {
            File.Delete(path);
        }
    }
}
