using BenchmarkDotNet.Attributes;
using SynAck.Time;

namespace SynAck.Benchmarks;

/// <summary>
/// The TIME-WAIT timer wheel: scheduling <see cref="Count"/> deadlines (10 ms ticks, 2MSL = 60 s ahead, a new
/// one every 5 µs as a busy server makes them) and expiring them all. Reported per operation: divide by Count
/// for one entry.
/// </summary>
[MemoryDiagnoser]
public class TimerWheelBenchmarks
{
    private TimerWheel _wheel = null!;

    [Params(10_000, 1_000_000)]
    public int Count { get; set; }

    [IterationSetup]
    public void Setup()
    {
        _wheel = new TimerWheel(Duration.FromMilliseconds(10), 8192);
        // Size the id arrays once so that the measured runs allocate nothing.
        _wheel.Schedule(Count - 1, Instant.Zero);
        _wheel.Cancel(Count - 1);
    }

    [Benchmark]
    public int InsertThenExpireAll()
    {
        var start = Instant.FromMilliseconds(1);
        for (int i = 0; i < Count; i++)
            _wheel.Schedule(i, start + Duration.FromMicroseconds(5L * i) + Duration.FromSeconds(60));
        int expired = 0;
        var end = start + Duration.FromMicroseconds(5L * Count) + Duration.FromSeconds(60);
        while (_wheel.TryPopExpired(end, out _))
            expired++;
        return expired;
    }
}
