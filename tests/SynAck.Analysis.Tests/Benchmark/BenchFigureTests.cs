using SynAck.Analysis.Benchmark.Perf;

namespace SynAck.Analysis.Tests.Benchmark;

/// <summary>The arithmetic of a benchmark figure: median and spread, ratio, targets, and reading wrk's output.</summary>
public sealed class BenchFigureTests
{
    [Fact]
    public void The_median_of_an_odd_count_is_the_middle_run_and_of_an_even_count_the_mean_of_the_two_middle_runs()
    {
        Assert.Equal(new Spread(3, 1, 9, 5), Spread.Of([9, 1, 3, 4, 2]));
        Assert.Equal(new Spread(2.5, 1, 9, 4), Spread.Of([9, 1, 3, 2]));
    }

    [Fact]
    public void The_ratio_is_synack_over_the_kernel_and_a_ratio_target_counts_only_when_the_kernel_was_measured()
    {
        var measured = new BenchFigure { Metric = "connections", Unit = "per second", SynAck = new Spread(300_000, 1, 1, 5), Kernel = new Spread(20_000, 1, 1, 5), Target = new BenchTarget(200_000, Ratio: 10) };
        Assert.Equal(15, measured.Ratio);
        Assert.True(measured.Met);
        var slowKernelNotEnough = measured with { Kernel = new Spread(40_000, 1, 1, 5) };
        Assert.False(slowKernelNotEnough.Met);
        var cost = new BenchFigure { Metric = "bytes_per_timewait", Unit = "bytes", SynAck = new Spread(80, 80, 80, 1), KernelCited = 256, Target = new BenchTarget(64, AtMost: true) };
        Assert.Equal(80 / 256.0, cost.Ratio);
        Assert.False(cost.Met);
        Assert.Equal("≤ 64", cost.Target!.ToString());
        Assert.Equal("≥ 0.9× kernel", new BenchTarget(null, Ratio: 0.9).ToString());
    }

    [Fact]
    public void Wrk_output_gives_requests_per_second_and_percentiles_in_milliseconds()
    {
        const string output = """
            Running 5s test @ http://198.18.0.2:80/
              1 threads and 16 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     1.20ms  400.00us  12.00ms   90.00%
                Req/Sec    13.00k     1.00k   14.00k    70.00%
              Latency Distribution
                 50%  812.00us
                 75%    1.10ms
                 90%    1.50ms
                 99%    1.20s
              65000 requests in 5.00s, 6.00MB read
              Socket errors: connect 0, read 3, write 0, timeout 2
            Requests/sec:  13000.50
            Transfer/sec:      1.20MB
            """;
        var r = WrkResult.Parse(output);
        Assert.Equal(13000.5, r.RequestsPerSecond);
        Assert.Equal(0.812, r.P50Ms, 6);
        Assert.Equal(1200, r.P99Ms, 6);
        Assert.Equal(65000, r.Requests);
        Assert.Equal(5, r.Errors);
    }
}
