namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>How a benchmark runs: how many times, and the sizes when the command line overrides the defaults.</summary>
internal sealed record BenchOptions
{
    /// <summary>Measured runs per figure (after one warm-up); the median is reported with min and max.</summary>
    public int Runs { get; init; } = 5;

    /// <summary>Bytes to move per run; null for each benchmark's default.</summary>
    public long? Bytes { get; init; }

    /// <summary>Connections or entries per run; null for each benchmark's default.</summary>
    public int? Count { get; init; }

    /// <summary>Only this MTU instead of the benchmark's list; null for the list.</summary>
    public int? Mtu { get; init; }

    /// <summary>How long each timed load runs (<c>http</c>: each wrk run).</summary>
    public int Seconds { get; init; } = 5;

    /// <summary>Seed of the stacks' randomness and of the fault injector.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Hears what is running and how far it is (0..1); the CLI shows it on a terminal.</summary>
    public Action<string, double> Progress { get; init; } = static (_, _) => { };

    public int[] MtusOr(params int[] defaults) => Mtu is { } m ? [m] : defaults;
}
