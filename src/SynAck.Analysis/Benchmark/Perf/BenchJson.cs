using System.Text.Encodings.Web;
using System.Text.Json;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>
/// Writes results in performance.md's <c>--json</c> shape: one object per benchmark with the machine and its figures;
/// <c>kernel</c> and <c>ratio</c> only where the kernel's equivalent was measured in the same run, a cited kernel
/// figure as <c>kernel_cited</c> with its source. Several benchmarks make an array.
/// </summary>
internal static class BenchJson
{
    public static string Write(IReadOnlyList<BenchResult> results, MachineInfo machine, bool asArray)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            if (asArray)
                w.WriteStartArray();
            foreach (var r in results)
                WriteResult(w, r, machine);
            if (asArray)
                w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteResult(Utf8JsonWriter w, BenchResult r, MachineInfo machine)
    {
        w.WriteStartObject();
        w.WriteString("benchmark", r.Benchmark);
        w.WriteStartObject("machine");
        w.WriteString("cpu", machine.Cpu);
        w.WriteNumber("cores", machine.Cores);
        w.WriteString("os", machine.Os);
        w.WriteString("dotnet", machine.Dotnet);
        if (machine.LoadAverage is not null)
            w.WriteString("load_average", machine.LoadAverage);
        w.WriteEndObject();
        if (r.NotRun is not null)
            w.WriteString("not_run", r.NotRun);
        if (r.Failure is not null)
            w.WriteString("failure", r.Failure);
        w.WriteStartArray("figures");
        foreach (var f in r.Figures)
            WriteFigure(w, f);
        w.WriteEndArray();
        w.WriteStartArray("notes");
        foreach (var n in r.Notes)
            w.WriteStringValue(n);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteFigure(Utf8JsonWriter w, BenchFigure f)
    {
        w.WriteStartObject();
        w.WriteString("metric", f.Metric);
        w.WriteString("unit", f.Unit);
        foreach (var (key, value) in f.Keys)
        {
            if (value is string s)
                w.WriteString(key, s);
            else
                w.WriteNumber(key, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
        }
        w.WriteNumber("runs", f.SynAck.Runs);
        Number(w, "synack", f.SynAck.Median);
        Number(w, "synack_min", f.SynAck.Min);
        Number(w, "synack_max", f.SynAck.Max);
        if (f.Kernel is { } k)
        {
            Number(w, "kernel", k.Median);
            Number(w, "kernel_min", k.Min);
            Number(w, "kernel_max", k.Max);
            if (f.Ratio is { } ratio)
                Number(w, "ratio", ratio);
        }
        else if (f.KernelCited is { } cited)
        {
            Number(w, "kernel_cited", cited);
            w.WriteString("kernel_source", f.KernelSource);
            if (f.Ratio is { } ratio)
                Number(w, "ratio_to_cited", ratio);
        }
        if (f.Target is { } t)
        {
            if (t.Value is { } value)
                Number(w, "target", value);
            w.WriteString("target_is", t.AtMost ? "at_most" : "at_least");
            if (t.Ratio is { } tr)
                Number(w, "target_ratio", tr);
            w.WriteBoolean("met", f.Met == true);
        }
        foreach (var (key, value) in f.Extra)
            Number(w, key, value);
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
        => w.WriteNumber(name, Math.Round(value, value is > -10 and < 10 ? 4 : 2));
}
