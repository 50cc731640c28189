using System.Diagnostics;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>
/// One stream between two <see cref="NetStack"/>s in this process on one thread, joined by <see cref="PacketQueue"/>s:
/// the sender writes as much as its buffer takes, the receiver reads everything that arrived, and both stacks run their
/// timers on the real monotonic clock, so the receiver ACKs as the engine does (delayed ACK included). Checksums are
/// computed by the sender and verified by the receiver as on any link.
/// </summary>
internal static class InMemoryTransfer
{
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(30);

    /// <summary>What one transfer measured.</summary>
    internal readonly record struct Outcome(long Bytes, TimeSpan Wall, TimeSpan Cpu, long Segments, long AllocatedBytes, long MeasuredSegments);

    /// <summary>Moves <paramref name="bytes"/> from one stack to the other at <paramref name="mtu"/>; with
    /// <paramref name="allocationWarmUp"/> above 0, counts this thread's allocations after that many bytes arrived, and
    /// the clock is virtual (100 µs per round), so a busy machine that stalls the thread cannot fire timers that a
    /// steady transfer never fires.</summary>
    public static Outcome Run(int mtu, long bytes, ulong seed, long allocationWarmUp = 0)
    {
        var settings = new TcpSettings { Mtu = mtu };
        var a = new NetStack(IpAddress.V4(10, 0, 0, 1), settings, new SplitMix64Random(seed));
        var b = new NetStack(IpAddress.V4(10, 0, 0, 2), settings, new SplitMix64Random(seed + 1));
        var toB = new PacketQueue();
        var toA = new PacketQueue();
        long epoch = Stopwatch.GetTimestamp();
        long rounds = 0;
        bool virtualClock = allocationWarmUp > 0;
        Instant Now() => virtualClock ? new(++rounds * 100_000) : new((long)(Stopwatch.GetElapsedTime(epoch).Ticks * 100));

        b.Listen(5001);
        var client = a.Connect(b.Address, 5001, Now());
        TcpHandle server = default;
        while (!b.TryAccept(5001, out server))
        {
            var t = Now();
            a.Poll(t, toB);
            toB.DeliverTo(b, t);
            b.Poll(t, toA);
            toA.DeliverTo(a, t);
            if (Stopwatch.GetElapsedTime(epoch) > StallLimit)
                throw new InvalidOperationException("the in-memory handshake did not complete");
        }

        var payload = new byte[1 << 20];
        new Random(unchecked((int)seed)).NextBytes(payload);
        var sink = new byte[1 << 20];
        long sent = 0, received = 0, lastProgress = Stopwatch.GetTimestamp();
        long allocatedAt = -1, segmentsAt = 0, allocated = 0;
        using var self = Process.GetCurrentProcess();
        var cpu0 = self.TotalProcessorTime;
        long t0 = Stopwatch.GetTimestamp();
        long segments0 = toB.Total;
        while (received < bytes)
        {
            var now = Now();
            if (sent < bytes)
            {
                int offset = (int)(sent % payload.Length);
                int want = (int)Math.Min(payload.Length - offset, bytes - sent);
                sent += a.Send(client, payload.AsSpan(offset, want), now);
            }
            a.Poll(now, toB);
            toB.DeliverTo(b, now);
            int n;
            long before = received;
            while ((n = b.Receive(server, sink, now)) > 0)
                received += n;
            b.Poll(now, toA);
            toA.DeliverTo(a, now);

            if (allocationWarmUp > 0 && allocatedAt < 0 && received >= allocationWarmUp)
            {
                segmentsAt = toB.Total;
                allocatedAt = GC.GetAllocatedBytesForCurrentThread();
            }
            if (received != before)
                lastProgress = Stopwatch.GetTimestamp();
            else if (Stopwatch.GetElapsedTime(lastProgress) > StallLimit)
                throw new InvalidOperationException($"the in-memory transfer stalled at {received} of {bytes} bytes");
        }
        if (allocatedAt >= 0)
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedAt;
        var wall = Stopwatch.GetElapsedTime(t0);
        self.Refresh();
        var cpu = self.TotalProcessorTime - cpu0;
        return new Outcome(received, wall, cpu, toB.Total - segments0, allocated, allocatedAt >= 0 ? toB.Total - segmentsAt : 0);
    }
}
