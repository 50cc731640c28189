using System.Globalization;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>
/// A target of performance.md: a value SynAck's figure must reach (at least, or at most for costs), and optionally a
/// ratio to the kernel's figure measured in the same run. The ratio part only counts when the kernel was measured.
/// </summary>
internal sealed record BenchTarget(double? Value, bool AtMost = false, double? Ratio = null)
{
    public bool IsMetBy(double value, double? ratio)
    {
        bool ok = Value is not { } v || (AtMost ? value <= v : value >= v);
        if (Ratio is { } r && ratio is { } measured)
            ok &= AtMost ? measured <= r : measured >= r;
        return ok;
    }

    public override string ToString()
    {
        string sign = AtMost ? "≤ " : "≥ ";
        string ratio = Ratio is { } r ? sign + r.ToString("0.##", CultureInfo.InvariantCulture) + "× kernel" : "";
        if (Value is not { } v)
            return ratio;
        string text = sign + v.ToString("#,0.##", CultureInfo.InvariantCulture);
        return ratio.Length > 0 ? $"{text} ({ratio})" : text;
    }
}
