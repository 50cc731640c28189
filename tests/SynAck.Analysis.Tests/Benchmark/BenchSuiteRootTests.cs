using System.Text.Json;

namespace SynAck.Analysis.Tests.Benchmark;

/// <summary>
/// The root benchmarks (<c>tun</c>, <c>loss</c>, <c>http</c>) on tiny sizes: each builds its own private namespace and
/// TUN device and reports measured figures in the documented shape. Shape and sign only, never speed.
/// </summary>
[Collection(nameof(BenchSuiteCommandTests))]
public sealed class BenchSuiteRootTests
{
    private static JsonElement RunJson(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Program.Run(args, o, e);
        Assert.True(code == 0, e.ToString());
        return JsonDocument.Parse(o.ToString()).RootElement;
    }

    [Fact]
    public void Tun_measures_both_directions_beside_the_kernel()
    {
        Requirement.RootAndTools("ip");
        var r = RunJson("bench", "tun", "--bytes", "2MiB", "--runs", "1", "--mtu", "1500", "--json");
        var figures = r.GetProperty("figures").EnumerateArray().ToList();
        Assert.Equal(["synack_to_kernel", "kernel_to_synack"], figures.Select(f => f.GetProperty("direction").GetString()));
        foreach (var f in figures)
        {
            Assert.Equal("goodput", f.GetProperty("metric").GetString());
            Assert.Equal(1500, f.GetProperty("mtu").GetInt32());
            Assert.Equal(1, f.GetProperty("shards").GetInt32());
            foreach (var key in (string[])["synack", "kernel", "ratio"])
                Assert.True(f.GetProperty(key).GetDouble() > 0, $"{key} is not positive");
            Assert.Equal(5, f.GetProperty("target").GetDouble());
        }
    }

    [Fact]
    public void Loss_measures_goodput_and_retransmission_timeouts_for_both_senders_at_each_rate()
    {
        Requirement.RootAndTools("ip");
        var r = RunJson("bench", "loss", "--bytes", "1MiB", "--runs", "1", "--json");
        var figures = r.GetProperty("figures").EnumerateArray().ToList();
        Assert.Equal([0.01, 0.01, 0.05, 0.05], figures.Select(f => f.GetProperty("loss").GetDouble()));
        Assert.Equal(["goodput", "retransmission_timeouts", "goodput", "retransmission_timeouts"], figures.Select(f => f.GetProperty("metric").GetString()));
        foreach (var f in figures.Where(f => f.GetProperty("metric").GetString() == "goodput"))
        {
            Assert.True(f.GetProperty("synack").GetDouble() > 0);
            Assert.True(f.GetProperty("kernel").GetDouble() > 0);
            Assert.Equal(0.9, f.GetProperty("target_ratio").GetDouble());
        }
        foreach (var f in figures.Where(f => f.GetProperty("metric").GetString() == "retransmission_timeouts"))
        {
            Assert.True(f.GetProperty("synack").GetDouble() >= 0);
            Assert.True(f.GetProperty("kernel").GetDouble() >= 0);
        }
    }

    [Fact]
    public void Http_measures_requests_and_latency_in_both_modes_beside_the_kernel()
    {
        Requirement.RootAndTools("ip", "wrk");
        var r = RunJson("bench", "http", "--seconds", "1", "--runs", "1", "--json");
        var figures = r.GetProperty("figures").EnumerateArray().ToList();
        Assert.Equal(6, figures.Count);
        foreach (var mode in (string[])["close", "keepalive"])
        {
            var mine = figures.Where(f => f.GetProperty("mode").GetString() == mode).ToList();
            Assert.Equal(["requests", "latency_p99", "latency_p50"], mine.Select(f => f.GetProperty("metric").GetString()));
            foreach (var f in mine)
            {
                Assert.True(f.GetProperty("synack").GetDouble() > 0);
                Assert.True(f.GetProperty("kernel").GetDouble() > 0);
            }
        }
    }
}
