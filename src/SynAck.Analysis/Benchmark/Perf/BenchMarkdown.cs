using System.Globalization;
using System.Text;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>The results as a Markdown table for the README, with the machine, the date and what did not run.</summary>
internal static class BenchMarkdown
{
    public static string Write(IReadOnlyList<BenchResult> results, MachineInfo machine, DateTimeOffset when)
    {
        var b = new StringBuilder();
        b.AppendLine(CultureInfo.InvariantCulture, $"Measured {when.UtcDateTime:yyyy-MM-dd HH:mm} UTC on {machine}. SynAck: median of the runs (min–max); kernel: the same work by Linux in the same run.");
        b.AppendLine();
        b.AppendLine("| benchmark | figure | SynAck | kernel | ratio | target | |");
        b.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            foreach (var f in r.Figures)
                b.AppendLine(CultureInfo.InvariantCulture, $"| `{r.Benchmark}` | {BenchText.Figure(f)} | {BenchText.SynAck(f)} | {BenchText.Kernel(f)} | {BenchText.Ratio(f)} | {BenchText.Target(f)} | {BenchText.Met(f)} |");
            if (r.NotRun is not null)
                b.AppendLine(CultureInfo.InvariantCulture, $"| `{r.Benchmark}` | not run: {r.NotRun} | | | | | |");
        }
        b.AppendLine();
        foreach (var r in results)
        {
            foreach (var n in r.Notes)
                b.AppendLine(CultureInfo.InvariantCulture, $"- `{r.Benchmark}`: {n}");
            foreach (var f in r.Figures)
            {
                if (BenchText.Times(f) is { Length: > 0 } times)
                    b.AppendLine(CultureInfo.InvariantCulture, $"- `{r.Benchmark}` {BenchText.Figure(f)}: {times}");
            }
            if (r.Failure is not null)
                b.AppendLine(CultureInfo.InvariantCulture, $"- `{r.Benchmark}`: **{r.Failure}**");
        }
        return b.ToString();
    }
}
