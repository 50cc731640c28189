using System.Globalization;
using System.Text.RegularExpressions;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>What <c>wrk --latency</c> printed: requests per second and the latency percentiles, in milliseconds.</summary>
internal sealed partial record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Errors)
{
    public static WrkResult Parse(string output)
    {
        var rps = RequestsPerSec().Match(output);
        var p50 = Percentile("50", output);
        var p99 = Percentile("99", output);
        var total = Total().Match(output);
        if (!rps.Success || p50 is null || p99 is null || !total.Success)
            throw new InvalidOperationException("could not read wrk's output: " + output.Trim().Replace('\n', ' '));
        long errors = 0;
        foreach (Match m in ErrorCounts().Matches(output))
            errors += long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (Non2xx().Match(output) is { Success: true } bad)
            errors += long.Parse(bad.Groups[1].Value, CultureInfo.InvariantCulture);
        return new WrkResult(double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture), p50.Value, p99.Value,
            long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture), errors);
    }

    private static double? Percentile(string p, string output)
    {
        var m = Regex.Match(output, $@"^\s*{p}(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline, TimeSpan.FromSeconds(1));
        if (!m.Success)
            return null;
        double v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => v / 1000, "s" => v * 1000, _ => v };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSec();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Total();

    [GeneratedRegex(@"(?:connect|read|write|timeout) (\d+)")]
    private static partial Regex ErrorCounts();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xx();
}
