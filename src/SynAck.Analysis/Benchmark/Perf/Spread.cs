namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>The median of a benchmark's runs with the smallest and largest run.</summary>
internal sealed record Spread(double Median, double Min, double Max, int Runs)
{
    public static Spread Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
            throw new ArgumentException("no runs", nameof(values));
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Spread(median, sorted[0], sorted[^1], n);
    }
}
