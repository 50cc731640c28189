using System.Text.Json;
using SynAck.Analysis.Benchmark.Perf;
using SynAck.Cli.Commands;

namespace SynAck.Analysis.Tests.Benchmark;

/// <summary>
/// <c>synack bench throughput|connections|timewait|idle|alloc|tun|loss|http|all</c> run in process: bad input, refusals,
/// and the documented JSON shape on tiny sizes. Figures are checked for shape and sign only, never for speed. Alone in
/// their collection, run with nothing else in parallel: idle and timewait measure the process's whole managed heap.
/// </summary>
[Collection(nameof(BenchSuiteCommandTests))]
public sealed class BenchSuiteCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static JsonElement Json(string output) => JsonDocument.Parse(output).RootElement;

    [Theory]
    [InlineData("throughput", "--runs", "0")]
    [InlineData("throughput", "--bytes", "lots")]
    [InlineData("idle", "--count", "0")]
    [InlineData("alloc", "--mtu", "10")]
    [InlineData("http", "--seconds", "0")]
    [InlineData("all", "--runs", "-3")]
    public void Bad_input_is_one_line_and_exit_code_2(string bench, string option, string value)
    {
        var (code, output, error) = Run("bench", bench, option, value);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Equal("", output);
    }

    [Fact]
    public void Json_and_markdown_together_are_refused()
    {
        var (code, _, error) = Run("bench", "timewait", "--json", "--markdown");
        Assert.Equal(2, code);
        Assert.Contains("--json", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_benchmark_lists_the_valid_ones()
    {
        var (code, _, error) = Run("bench", "warp-speed");
        Assert.Equal(2, code);
        foreach (var name in (string[])["throughput", "connections", "timewait", "idle", "alloc", "tun", "loss", "http", "analyze", "all"])
            Assert.Contains(name, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tun")]
    [InlineData("loss")]
    [InlineData("http")]
    public void A_root_benchmark_refuses_without_root_in_one_line_and_exits_1(string bench)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var request = new BenchSuiteCommand.Request(1, null, null, null, 1, 1, Json: true, Markdown: false);
        int code = BenchSuiteCommand.Execute([bench], request, o, e, interactive: false, entry => entry.CannotRun(isRoot: false));
        Assert.Equal(1, code);
        Assert.Equal($"error: bench {bench} needs root (it creates a TUN device and a network namespace)", e.ToString().TrimEnd());
        Assert.Equal("", o.ToString());
    }

    [Fact]
    public void Http_without_wrk_says_so()
    {
        var entry = BenchCatalog.Get("http");
        Assert.Equal("bench http needs 'wrk' on the PATH (./test.sh installs it as root)", entry.CannotRun(isRoot: true, hasTool: t => t != "wrk"));
        Assert.Null(BenchCatalog.Get("throughput").CannotRun(isRoot: false, hasTool: _ => false));
    }

    [Fact]
    public void All_reports_what_could_not_run_with_the_reason_and_prints_no_figure_for_it()
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var request = new BenchSuiteCommand.Request(1, null, null, null, 1, 1, Json: true, Markdown: false);
        int code = BenchSuiteCommand.Execute([.. BenchCatalog.All.Select(x => x.Name)], request, o, e, interactive: false, entry => $"no {entry.Name} today");
        Assert.Equal(0, code);
        var results = Json(o.ToString());
        Assert.Equal(JsonValueKind.Array, results.ValueKind);
        Assert.Equal(BenchCatalog.All.Count, results.GetArrayLength());
        foreach (var r in results.EnumerateArray())
        {
            Assert.Equal($"no {r.GetProperty("benchmark").GetString()} today", r.GetProperty("not_run").GetString());
            Assert.Equal(0, r.GetProperty("figures").GetArrayLength());
        }
    }

    [Fact]
    public void Throughput_json_has_the_documented_shape_with_measured_figures()
    {
        var (code, output, error) = Run("bench", "throughput", "--bytes", "16MiB", "--runs", "1", "--mtu", "1500", "--json");
        Assert.True(code == 0, error);
        var r = Json(output);
        Assert.Equal("throughput", r.GetProperty("benchmark").GetString());
        AssertMachine(r.GetProperty("machine"));
        var f = Assert.Single(r.GetProperty("figures").EnumerateArray());
        Assert.Equal("goodput", f.GetProperty("metric").GetString());
        Assert.Equal("Gbit/s", f.GetProperty("unit").GetString());
        Assert.Equal(1500, f.GetProperty("mtu").GetInt32());
        Assert.Equal(1, f.GetProperty("runs").GetInt32());
        foreach (var key in (string[])["synack", "synack_min", "synack_max", "kernel", "ratio", "synack_wall_s", "kernel_wall_s"])
            Assert.True(f.GetProperty(key).GetDouble() > 0, $"{key} is not positive");
        Assert.Equal(16L << 20, f.GetProperty("synack_amount").GetInt64());
        Assert.Equal(10, f.GetProperty("target").GetDouble());
        Assert.Contains(f.GetProperty("met").ValueKind, (JsonValueKind[])[JsonValueKind.True, JsonValueKind.False]);
    }

    [Fact]
    public void Idle_json_reports_heap_per_connection_and_the_kernel_figure_as_cited_not_measured()
    {
        var (code, output, error) = Run("bench", "idle", "--count", "2000", "--runs", "1", "--json");
        Assert.True(code == 0, error);
        var r = Json(output);
        Assert.Equal("idle", r.GetProperty("benchmark").GetString());
        var f = Assert.Single(r.GetProperty("figures").EnumerateArray());
        Assert.Equal("bytes_per_idle_connection", f.GetProperty("metric").GetString());
        Assert.Equal("bytes", f.GetProperty("unit").GetString());
        Assert.True(f.GetProperty("synack").GetDouble() > 0);
        Assert.Equal(4000, f.GetProperty("synack_amount").GetInt64());
        Assert.False(f.TryGetProperty("kernel", out _));
        Assert.False(f.TryGetProperty("ratio", out _));
        Assert.True(f.GetProperty("kernel_cited").GetDouble() > 0);
        Assert.False(string.IsNullOrEmpty(f.GetProperty("kernel_source").GetString()));
        Assert.Equal("at_most", f.GetProperty("target_is").GetString());
    }

    [Fact]
    public void Timewait_json_reports_heap_per_entry_and_expiry()
    {
        // 20,000 entries (≈ 1 MiB): a delta of the whole heap that other objects' comings and goings cannot hide
        // (with 100 entries, ≈ 6 KB, a collected leftover of an earlier test made it zero or negative now and then).
        var (code, output, error) = Run("bench", "timewait", "--count", "20000", "--runs", "1", "--json");
        Assert.True(code == 0, error);
        var f = Assert.Single(Json(output).GetProperty("figures").EnumerateArray());
        Assert.Equal("bytes_per_timewait", f.GetProperty("metric").GetString());
        Assert.True(f.GetProperty("synack").GetDouble() > 0);
        Assert.Equal(20000, f.GetProperty("synack_amount").GetInt64());
        Assert.True(f.GetProperty("expiry_ns_per_entry").GetDouble() > 0);
        Assert.Equal(64, f.GetProperty("target").GetDouble());
    }

    [Fact]
    public void Alloc_counts_zero_bytes_per_segment_and_exits_0()
    {
        var (code, output, error) = Run("bench", "alloc", "--bytes", "64MiB", "--runs", "1", "--mtu", "1500", "--json");
        Assert.True(code == 0, error);
        var f = Assert.Single(Json(output).GetProperty("figures").EnumerateArray());
        Assert.Equal("bytes_allocated_per_segment", f.GetProperty("metric").GetString());
        Assert.Equal(0, f.GetProperty("synack").GetDouble());
        Assert.True(f.GetProperty("met").GetBoolean());
    }

    [Fact]
    public void Connections_markdown_is_a_table_with_the_machine_and_both_sides()
    {
        var (code, output, error) = Run("bench", "connections", "--count", "50", "--runs", "1", "--markdown");
        Assert.True(code == 0, error);
        Assert.StartsWith("Measured ", output, StringComparison.Ordinal);
        Assert.Contains(" cores, ", output, StringComparison.Ordinal);
        var row = output.Split('\n').Single(l => l.StartsWith("| `connections` |", StringComparison.Ordinal));
        var cells = row.Split('|', StringSplitOptions.TrimEntries);
        Assert.Equal("connections, per second", cells[2]);
        Assert.True(double.Parse(cells[3], System.Globalization.CultureInfo.InvariantCulture) > 0, row);
        Assert.True(double.Parse(cells[4], System.Globalization.CultureInfo.InvariantCulture) > 0, row);
        Assert.EndsWith("×", cells[5], StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_json_reports_the_analysis_rate_of_a_generated_capture()
    {
        var (code, output, error) = Run("bench", "analyze", "--size", "2MiB", "--runs", "1", "--json");
        Assert.True(code == 0, error);
        var r = Json(output);
        Assert.Equal("analyze", r.GetProperty("benchmark").GetString());
        AssertMachine(r.GetProperty("machine"));
        var f = Assert.Single(r.GetProperty("figures").EnumerateArray());
        Assert.Equal("analyze_rate", f.GetProperty("metric").GetString());
        Assert.Equal("MB/s", f.GetProperty("unit").GetString());
        Assert.True(f.GetProperty("synack").GetDouble() > 0);
        Assert.False(f.TryGetProperty("kernel", out _));
    }

    [Fact]
    public void Analyze_as_a_suite_figure_refuses_a_given_file()
    {
        var (code, _, error) = Run("bench", "analyze", "--file", "x.pcap", "--json");
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
    }

    private static void AssertMachine(JsonElement m)
    {
        Assert.False(string.IsNullOrEmpty(m.GetProperty("cpu").GetString()));
        Assert.True(m.GetProperty("cores").GetInt32() > 0);
        Assert.False(string.IsNullOrEmpty(m.GetProperty("os").GetString()));
        Assert.False(string.IsNullOrEmpty(m.GetProperty("dotnet").GetString()));
    }
}
