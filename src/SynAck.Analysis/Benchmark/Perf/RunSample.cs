using System.Diagnostics;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>One measured run: the figure, the bytes (or items) it moved, and the wall and CPU time it took.</summary>
internal readonly record struct RunSample(double Value, long Bytes, TimeSpan Wall, TimeSpan Cpu, long Extra = 0)
{
    /// <summary>Full collections during the run, where the benchmark counts them.</summary>
    public int Gen2Collections { get; init; }

    /// <summary>Runs <paramref name="run"/> once to warm up (JIT, heaps, the kernel's caches) and then <see cref="BenchOptions.Runs"/> times.</summary>
    public static List<RunSample> Repeat(BenchOptions options, string label, Func<int, RunSample> run, bool warmUp = true)
    {
        var samples = new List<RunSample>(options.Runs);
        int total = options.Runs + (warmUp ? 1 : 0);
        for (int i = 0; i < total; i++)
        {
            options.Progress(label, i / (double)total);
            var sample = run(i);
            if (!warmUp || i > 0)
                samples.Add(sample);
        }
        options.Progress(label, 1);
        return samples;
    }

    /// <summary>Times <paramref name="work"/> on the wall clock and in process CPU time (every thread, GC included).</summary>
    public static (TimeSpan Wall, TimeSpan Cpu) Time(Action work)
    {
        using var self = Process.GetCurrentProcess();
        var cpu0 = self.TotalProcessorTime;
        long t0 = Stopwatch.GetTimestamp();
        work();
        var wall = Stopwatch.GetElapsedTime(t0);
        self.Refresh();
        return (wall, self.TotalProcessorTime - cpu0);
    }

    public static double Gbits(long bytes, TimeSpan wall) => bytes * 8 / wall.TotalSeconds / 1e9;
}
