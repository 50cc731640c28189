using SynAck.Analysis.Benchmark;
using SynAck.Analysis.Conversations;
using SynAck.Capture;
using SynAck.Time;

namespace SynAck.Analysis.Tests.Benchmark;

/// <summary>Measures the whole process's heap, so it runs alone: no other test allocates meanwhile.</summary>
[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;

/// <summary>
/// The analysis streams: over a generated capture spanning an hour of traffic (48 MiB, thousands of short
/// connections, most closed by the server), what it remembers stays at what one TIME_WAIT window holds
/// instead of growing with every connection ever seen.
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public sealed class BoundedMemoryTests : IDisposable
{
    private const long CaptureBytes = 48L << 20;
    private const int Checkpoints = 10;

    private static readonly TrafficProfile HourOfShortConnections = new()
    {
        Concurrency = 4,
        MeanGap = Duration.FromSeconds(1),
        MaxRtt = Duration.FromMilliseconds(50),
        MinResponse = 100,
        MaxResponse = 3000,
        KeepAlive = 0,
        ServerCloses = 0.85,
        ServerResets = 0.03,
        ClientResets = 0.02,
        FinThenReset = 0.02,
    };

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"synack-bounded-{Guid.NewGuid():N}.pcap");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Memory_held_during_a_long_capture_stays_at_one_time_wait_window_of_connections()
    {
        TrafficTotals totals;
        using (var output = new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            totals = new TrafficGenerator(seed: 7, HourOfShortConnections).Write(output, CaptureBytes);
        // Enough virtual time for the 60 s window to turn over many times, and enough connections to show a leak.
        Assert.True(totals.SpanNanoseconds > 20 * 60_000_000_000L, $"the capture spans only {totals.SpanNanoseconds / 1e9:F0} s");
        Assert.True(totals.Connections > 5000, $"only {totals.Connections} connections");

        var analyzer = new ConversationAnalyzer();
        var retained = new List<int>();
        var heap = new List<long>();
        using (var input = File.OpenRead(_path))
        using (var reader = CaptureReader.Open(input, leaveOpen: true))
        {
            long step = input.Length / Checkpoints, next = step;
            while (reader.TryReadNext(out var record))
            {
                analyzer.Add(record);
                if (reader.BytesRead >= next)
                {
                    next += step;
                    retained.Add(analyzer.RetainedEntries);
                    heap.Add(GC.GetTotalMemory(forceFullCollection: true));
                }
            }
            Assert.Null(reader.Error);
        }
        analyzer.Complete();

        // Every generated connection got its own stream number, and all were released at the end.
        Assert.Equal(totals.Connections, analyzer.StreamCount);
        Assert.Equal(0, analyzer.ActiveConnections);

        // From the second checkpoint on (several windows into the capture) the count is steady: what one
        // window of connections needs, not the thousands seen so far.
        int settled = retained[1];
        string trace = string.Join(", ", retained);
        Assert.True(settled < totals.Connections / 4, $"retained entries at checkpoints: {trace}");
        Assert.All(retained.Skip(2), r => Assert.True(r < settled * 3 / 2, $"retained entries grow: {trace}"));
        long growth = heap[^1] - heap[1];
        Assert.True(growth < 1 << 20, $"the heap grew by {growth:N0} bytes between the 2nd and last checkpoints ({string.Join(", ", heap)})");
    }
}
