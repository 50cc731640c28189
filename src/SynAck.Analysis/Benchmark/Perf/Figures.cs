namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>Builds a <see cref="BenchFigure"/> from runs, with the amounts moved and the wall and CPU time of each side
/// (unless <c>timed</c> is false: a figure read from another run's output, such as a latency percentile).</summary>
internal static class Figures
{
    public static BenchFigure Of(string metric, string unit, IReadOnlyList<KeyValuePair<string, object>> keys,
        IReadOnlyList<RunSample> synack, IReadOnlyList<RunSample>? kernel, BenchTarget? target, bool timed = true)
    {
        var extra = !timed ? [] : new List<KeyValuePair<string, double>>
        {
            new("synack_amount", synack[0].Bytes),
            new("synack_wall_s", Math.Round(Spread.Of([.. synack.Select(s => s.Wall.TotalSeconds)]).Median, 3)),
            new("synack_cpu_s", Math.Round(Spread.Of([.. synack.Select(s => s.Cpu.TotalSeconds)]).Median, 3)),
        };
        if (timed && kernel is { Count: > 0 })
        {
            extra.Add(new("kernel_amount", kernel[0].Bytes));
            extra.Add(new("kernel_wall_s", Math.Round(Spread.Of([.. kernel.Select(s => s.Wall.TotalSeconds)]).Median, 3)));
            extra.Add(new("kernel_cpu_s", Math.Round(Spread.Of([.. kernel.Select(s => s.Cpu.TotalSeconds)]).Median, 3)));
        }
        return new BenchFigure
        {
            Metric = metric,
            Unit = unit,
            Keys = keys,
            SynAck = Spread.Of([.. synack.Select(s => s.Value)]),
            Kernel = kernel is { Count: > 0 } ? Spread.Of([.. kernel.Select(s => s.Value)]) : null,
            Target = target,
            Extra = extra,
        };
    }
}
