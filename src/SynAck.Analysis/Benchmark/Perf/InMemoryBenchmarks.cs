using System.Globalization;
using System.Net;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>The benchmarks that need nothing but this process: throughput, connections, timewait, idle, alloc.</summary>
internal static class InMemoryBenchmarks
{
    public const long DefaultThroughputBytes = 4L << 30;
    public const int DefaultConnections = 100_000;
    public const int DefaultTimeWait = 1_000_000;
    public const int DefaultIdle = 100_000;
    public const long DefaultAllocBytes = 1L << 30;
    public const int KernelClients = 16;

    public static BenchResult Throughput(BenchOptions o)
    {
        long bytes = o.Bytes ?? DefaultThroughputBytes;
        var figures = new List<BenchFigure>();
        var kernel = RunSample.Repeat(o, "kernel loopback", _ => KernelLoopback.Stream(bytes, IPAddress.Loopback));
        foreach (int mtu in o.MtusOr(65535, 1500))
        {
            var synack = RunSample.Repeat(o, $"SynAck in memory, MTU {mtu}", i =>
            {
                var r = InMemoryTransfer.Run(mtu, bytes, o.Seed + (ulong)i);
                return new RunSample(RunSample.Gbits(r.Bytes, r.Wall), r.Bytes, r.Wall, r.Cpu, r.Segments);
            });
            var target = mtu >= 65535 ? new BenchTarget(40, Ratio: 1.5) : mtu == 1500 ? new BenchTarget(10) : null;
            figures.Add(Figures.Of("goodput", "Gbit/s", [new("mtu", mtu)], synack, kernel, target));
        }
        return new BenchResult("throughput")
        {
            Figures = figures,
            Notes = ["SynAck: two NetStacks in this process on one thread, joined in memory, default settings but the MTU; kernel: System.Net.Sockets over 127.0.0.1 (loopback MTU), a sending and a receiving thread"],
        };
    }

    public static BenchResult Connections(BenchOptions o)
    {
        int count = o.Count ?? DefaultConnections;
        var kernel = RunSample.Repeat(o, $"kernel, {KernelClients} clients", _ => KernelLoopback.Connections(count, KernelClients, IPAddress.Loopback));
        var synack = RunSample.Repeat(o, "SynAck in memory", i => ConnectionChurn.Run(count, o.Seed + (ulong)i));
        var figure = Figures.Of("connections", "per second", [], synack, kernel, new BenchTarget(200_000, Ratio: 10));
        figure = figure with
        {
            Extra =
            [
                .. figure.Extra,
                new("synack_allocated_bytes_per_connection", Spread.Of([.. synack.Select(s => (double)s.Extra)]).Median),
                new("synack_gen2_collections", Spread.Of([.. synack.Select(s => (double)s.Gen2Collections)]).Median),
            ],
        };
        return new BenchResult("connections")
        {
            Figures = [figure],
            Notes = [string.Create(CultureInfo.InvariantCulture,
                $"{count:N0} connections per run: connect, 1 B request, 1 B response, the client closes first; SynAck: one thread, {ConnectionChurn.InFlight} under way at once, default settings; kernel: {KernelClients} concurrent clients on 127.0.0.1")],
        };
    }

    public static BenchResult TimeWait(BenchOptions o)
    {
        int count = o.Count ?? DefaultTimeWait;
        var (size, source) = SlabInfo.ObjectSize("tw_sock_TCP", 256, "Linux tw_sock_TCP slab object, 256 B (performance.md)");
        double expiry = 0;
        var synack = RunSample.Repeat(o, "SynAck TIME-WAIT entries", i =>
        {
            var r = HeapHold.TimeWait(count, o.Seed + (ulong)i);
            expiry = r.ExpiryNanosecondsPerEntry;
            return new RunSample(r.BytesPerItem, r.Items, r.Wall, r.Cpu);
        }, warmUp: false);
        var figure = Figures.Of("bytes_per_timewait", "bytes", [], synack, null, new BenchTarget(64, AtMost: true)) with
        {
            KernelCited = size,
            KernelSource = source,
        };
        figure = figure with { Extra = [.. figure.Extra, new("expiry_ns_per_entry", Math.Round(expiry, 1))] };
        return new BenchResult("timewait")
        {
            Figures = [figure],
            Notes = [string.Create(CultureInfo.InvariantCulture,
                $"{count:N0} entries held on the server (it closes first), managed heap growth after a full GC / entries; default settings but MaxTimeWait raised to hold them; the last expiry figure is one poll after 2 MSL, per entry")],
        };
    }

    public static BenchResult Idle(BenchOptions o)
    {
        int count = o.Count ?? DefaultIdle;
        var (size, source) = SlabInfo.ObjectSize("TCP", 2368, "Linux TCP slab object (struct tcp_sock), 2,368 B on kernel 6.18 (performance.md)");
        var synack = RunSample.Repeat(o, "SynAck idle connections", i =>
        {
            var r = HeapHold.Idle(count, o.Seed + (ulong)i);
            return new RunSample(r.BytesPerItem, r.Items, r.Wall, r.Cpu);
        }, warmUp: false);
        var figure = Figures.Of("bytes_per_idle_connection", "bytes", [], synack, null, new BenchTarget(512, AtMost: true)) with
        {
            KernelCited = size,
            KernelSource = source,
        };
        return new BenchResult("idle")
        {
            Figures = [figure],
            Notes = [string.Create(CultureInfo.InvariantCulture,
                $"{count:N0} idle ESTABLISHED connections, both ends in this process and each end counted as one connection: managed heap growth after a full GC / {2L * count:N0}; default settings but the server's MaxConnections raised to hold them; the kernel allocates socket buffers only while data is queued")],
        };
    }

    public static BenchResult Alloc(BenchOptions o)
    {
        long bytes = o.Bytes ?? DefaultAllocBytes;
        // The connection's buffers take pooled chunks while its window opens (slow start, then CUBIC), which is
        // growth to a bound, not a cost per segment: counting starts after max(a quarter, 16 MiB), when it has stopped.
        long warmUp = Math.Max(bytes / 4, 16L << 20);
        if (bytes < 2 * warmUp)
            throw new InvalidOperationException("alloc needs --bytes of at least 32 MiB: the first 16 MiB open the window and are not counted");
        var figures = new List<BenchFigure>();
        string? failure = null;
        foreach (int mtu in o.MtusOr(1500, 65535))
        {
            var synack = RunSample.Repeat(o, $"allocations, MTU {mtu}", i =>
            {
                var r = InMemoryTransfer.Run(mtu, bytes, o.Seed + (ulong)i, allocationWarmUp: warmUp);
                double perSegment = r.MeasuredSegments == 0 ? double.NaN : r.AllocatedBytes / (double)r.MeasuredSegments;
                return new RunSample(perSegment, r.Bytes, r.Wall, r.Cpu, r.MeasuredSegments);
            // A warm-up run first: the first transfer in a process can meet the tiered JIT's one-time allocations on
            // this thread (24 B once, none with DOTNET_TieredCompilation=0), which are not a cost per segment.
            }, warmUp: true);
            var figure = Figures.Of("bytes_allocated_per_segment", "bytes", [new("mtu", mtu)], synack, null, new BenchTarget(0, AtMost: true));
            if (synack.Any(s => double.IsNaN(s.Value)))
                throw new InvalidOperationException("the transfer was too short to count segments after the warm-up; use a larger --bytes");
            if (synack.Any(s => s.Value > 0))
                failure ??= string.Create(CultureInfo.InvariantCulture, $"ALLOCATION ON THE HOT PATH: {synack.Max(s => s.Value):0.###} bytes per segment at MTU {mtu} (must be 0)");
            figures.Add(figure);
        }
        return new BenchResult("alloc")
        {
            Figures = figures,
            Failure = failure,
            Notes = ["GC.GetAllocatedBytesForCurrentThread around the engine loop (send, poll, deliver, receive on both stacks) after the first quarter of the bytes (at least 16 MiB, while the window and the pooled buffers grow to their size), divided by the data segments sent after it"],
        };
    }
}
