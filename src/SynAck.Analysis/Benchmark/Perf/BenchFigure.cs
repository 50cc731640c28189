namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>
/// One measured figure of a benchmark: SynAck's median over the runs with its spread, and the kernel's figure beside it
/// when the kernel's equivalent was measured in the same run (<see cref="Kernel"/>) or only cited (<see cref="KernelCited"/>).
/// </summary>
internal sealed record BenchFigure
{
    /// <summary>What is measured: <c>goodput</c>, <c>connections</c>, <c>bytes_per_timewait</c>... (performance.md).</summary>
    public required string Metric { get; init; }

    public required string Unit { get; init; }

    /// <summary>The keys that tell figures of one benchmark apart (mtu, loss, shards, direction, mode), in print order.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Keys { get; init; } = [];

    /// <summary>SynAck's spread over the runs.</summary>
    public required Spread SynAck { get; init; }

    /// <summary>The kernel's spread over the same number of runs, measured in this run; null when not measured.</summary>
    public Spread? Kernel { get; init; }

    /// <summary>A kernel figure that was read or cited rather than measured by running the kernel (e.g. a slab object size).</summary>
    public double? KernelCited { get; init; }

    /// <summary>Where <see cref="KernelCited"/> comes from.</summary>
    public string? KernelSource { get; init; }

    public BenchTarget? Target { get; init; }

    /// <summary>Figures that belong with this one: bytes moved, wall and CPU time, retransmission timeouts.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Extra { get; init; } = [];

    /// <summary>SynAck / kernel on the medians, when the kernel was measured (or its object size read on this machine).</summary>
    public double? Ratio
    {
        get
        {
            double? k = Kernel?.Median ?? KernelCited;
            return k is > 0 ? SynAck.Median / k.Value : null;
        }
    }

    /// <summary>Whether SynAck's median meets the target (and its ratio the target ratio); null without a target.</summary>
    public bool? Met => Target is null ? null : Target.IsMetBy(SynAck.Median, Kernel is null ? null : Ratio);

    public string KeyText => string.Join(", ", Keys.Select(k => $"{k.Key} {k.Value}"));
}
