using System.Globalization;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>How figures read in the table and in Markdown: the median with its spread, the kernel, the ratio, the target.</summary>
internal static class BenchText
{
    public static string Number(double v)
    {
        double a = Math.Abs(v);
        string format = a == 0 ? "0" : a >= 1000 ? "#,0" : a >= 100 ? "0" : a >= 1 ? "0.0#" : "0.###";
        return v.ToString(format, CultureInfo.InvariantCulture);
    }

    public static string Figure(BenchFigure f) => f.Metric + (f.Keys.Count > 0 ? $" ({f.KeyText})" : "") + $", {f.Unit}";

    public static string SynAck(BenchFigure f)
        => f.SynAck.Runs > 1 ? $"{Number(f.SynAck.Median)} ({Number(f.SynAck.Min)}–{Number(f.SynAck.Max)})" : Number(f.SynAck.Median);

    public static string Kernel(BenchFigure f)
        => f.Kernel is { } k ? (k.Runs > 1 ? $"{Number(k.Median)} ({Number(k.Min)}–{Number(k.Max)})" : Number(k.Median))
            : f.KernelCited is { } c ? $"{Number(c)} ({(f.KernelSource!.StartsWith("cited", StringComparison.Ordinal) ? "cited" : "slabinfo")})"
            : "—";

    public static string Ratio(BenchFigure f) => f.Ratio is { } r ? Number(r) + "×" : "—";

    public static string Target(BenchFigure f) => f.Target?.ToString() ?? "—";

    public static string Met(BenchFigure f) => f.Met switch { true => "met", false => "MISSED", null => "—" };

    public static string Times(BenchFigure f)
    {
        var e = f.Extra.ToDictionary(p => p.Key, p => p.Value);
        string side(string who) => e.TryGetValue(who + "_amount", out var amount)
            ? $"{who}: {Number(amount)} per run, wall {Number(e[who + "_wall_s"])} s, CPU {Number(e[who + "_cpu_s"])} s"
            : "";
        var others = f.Extra.Where(p => !p.Key.EndsWith("_amount", StringComparison.Ordinal) && !p.Key.EndsWith("_wall_s", StringComparison.Ordinal)
            && !p.Key.EndsWith("_cpu_s", StringComparison.Ordinal)).Select(p => $"{p.Key.Replace('_', ' ')} {Number(p.Value)}");
        return string.Join("; ", new[] { side("synack"), side("kernel") }.Concat(others).Where(s => s.Length > 0));
    }
}
