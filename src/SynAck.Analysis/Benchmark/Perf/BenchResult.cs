namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>What one benchmark produced: its figures and notes, or why it could not run.</summary>
internal sealed record BenchResult(string Benchmark)
{
    public IReadOnlyList<BenchFigure> Figures { get; init; } = [];

    /// <summary>Lines worth printing with the figures (settings used, what was not measured and why).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Why the benchmark did not run (not root, a missing tool, not enough memory); null when it ran.</summary>
    public string? NotRun { get; init; }

    /// <summary>A failure the benchmark itself declares (alloc: bytes allocated per segment is not 0).</summary>
    public string? Failure { get; init; }

    public static BenchResult Skipped(string benchmark, string reason) => new(benchmark) { NotRun = reason };
}
