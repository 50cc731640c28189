using System.Diagnostics;
using System.Globalization;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>
/// Holds many connections in one state on in-memory stacks driven by a virtual clock and measures the managed heap
/// they keep: idle ESTABLISHED connections (both ends counted, each end one connection), or TIME-WAIT entries on the
/// server, which closes first. Connections open in waves; the clock jumps to the next timer when nothing moves.
/// </summary>
internal static class HeapHold
{
    public const int Wave = 1000;
    private const int MaxStepsPerWave = 100_000;

    /// <summary>The heap per connection and what it is made of.</summary>
    internal readonly record struct Outcome(double BytesPerItem, long Items, long HeapGrowth, TimeSpan Wall, TimeSpan Cpu, double ExpiryNanosecondsPerEntry);

    /// <summary>Stops a run before the heap takes more than this share of the memory the GC may use.</summary>
    public const double MemoryShare = 0.6;

    /// <summary>Thrown when holding the connections would take more memory than the machine gives.</summary>
    internal sealed class OutOfBudgetException(string message) : Exception(message);

    public static Outcome Idle(int count, ulong seed)
    {
        // Default settings except the server's connection limit, which must hold them all.
        var serverSettings = new TcpSettings { MaxConnections = Math.Max(TcpSettings.Default.MaxConnections, count + 2 * Wave) };
        int warm = Math.Min(Wave, count);
        var fleet = new StackFleet(count + warm, serverSettings, TcpSettings.Default, seed);
        var now = Instant.Zero;
        long empty = Heap();
        now = OpenIdle(fleet, warm, now, 0, count);
        long before = Heap();
        // Refuse up front when the warm-up wave says the count asked for cannot fit.
        double perEnd = Math.Max(0, before - empty) / (2.0 * warm);
        long budget = (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * MemoryShare);
        if (perEnd * 2 * count > budget - before)
        {
            throw new OutOfBudgetException(string.Create(CultureInfo.InvariantCulture,
                $"{count:N0} idle connections would need ≈ {perEnd * 2 * count / 1e9:F1} GB of heap ({perEnd:N0} B per end in the first {warm:N0}), more than the {budget / 1e9:F1} GB allowed; run with a smaller --count"));
        }
        long t0 = Stopwatch.GetTimestamp();
        var cpu0 = Cpu();
        for (int done = 0; done < count; done += Wave)
            now = OpenIdle(fleet, Math.Min(Wave, count - done), now, done, count);
        // Let every timer that is pending (delayed ACKs, handshake retransmission timers) come due.
        now = Settle(fleet, now, Duration.FromSeconds(5));
        long after = Heap();
        var wall = Stopwatch.GetElapsedTime(t0);
        var (connections, _) = fleet.Totals();
        long held = connections - 2L * warm;
        if (held != 2L * count)
            throw new InvalidOperationException($"expected {2L * count} idle connection ends, found {held}");
        return new Outcome((after - before) / (double)held, held, after - before, wall, Cpu() - cpu0, 0);
    }

    public static Outcome TimeWait(int count, ulong seed)
    {
        var serverSettings = new TcpSettings { MaxTimeWait = Math.Max(TcpSettings.Default.MaxTimeWait, count + 2 * Wave) };
        int warm = Math.Min(Wave, count);
        var fleet = new StackFleet(count + warm, serverSettings, TcpSettings.Default, seed);
        // Every entry must still be held when the heap is measured: spread the virtual time over 80 % of 2 MSL.
        var lifetime = serverSettings.Msl + serverSettings.Msl;
        long stepNs = Math.Min(1_000_000, (long)(lifetime.Nanoseconds * 0.8 / (count + warm)));
        var now = Instant.Zero;
        now = OpenTimeWait(fleet, warm, now, stepNs, 0, count);
        now = Settle(fleet, now, Duration.FromSeconds(2));
        long before = Heap();
        long held0 = fleet.Server.TimeWaitCount;
        long t0 = Stopwatch.GetTimestamp();
        var cpu0 = Cpu();
        for (int done = 0; done < count; done += Wave)
            now = OpenTimeWait(fleet, Math.Min(Wave, count - done), now, stepNs, done, count);
        now = Settle(fleet, now, Duration.FromSeconds(2));
        long after = Heap();
        var wall = Stopwatch.GetElapsedTime(t0);
        var cpu = Cpu() - cpu0;
        long held = fleet.Server.TimeWaitCount - held0;
        if (held != count)
            throw new InvalidOperationException($"expected {count} TIME-WAIT entries, found {held}");

        // Expiry: one poll after every entry's 2 MSL has passed.
        long all = fleet.Server.TimeWaitCount;
        long e0 = Stopwatch.GetTimestamp();
        fleet.Server.Poll(now + lifetime + Duration.FromSeconds(1), new PacketQueue());
        double expiryNs = Stopwatch.GetElapsedTime(e0).Ticks * 100.0 / Math.Max(1, all - fleet.Server.TimeWaitCount);
        return new Outcome((after - before) / (double)held, held, after - before, wall, cpu, expiryNs);
    }

    private static Instant OpenIdle(StackFleet fleet, int n, Instant now, int done, int count)
    {
        var handles = new (NetStack Client, TcpHandle Handle)[n];
        for (int i = 0; i < n; i++)
            handles[i] = fleet.Connect(now);
        int accepted = 0;
        for (int steps = 0; ; steps++)
        {
            now = Advance(fleet, now);
            while (fleet.Server.TryAccept(StackFleet.Port, out _))
                accepted++;
            if (accepted == n && handles.All(h => h.Client.State(h.Handle) == TcpState.Established))
                break;
            Guard(steps, done, count, "ESTABLISHED");
        }
        return now;
    }

    private static Instant OpenTimeWait(StackFleet fleet, int n, Instant now, long stepNs, int done, int count)
    {
        var clients = new List<(NetStack Client, TcpHandle Handle)>(n);
        for (int i = 0; i < n; i++)
        {
            clients.Add(fleet.Connect(now));
            now += Duration.FromNanoseconds(stepNs);
        }
        long target = fleet.Server.TimeWaitCount + n;
        for (int steps = 0; fleet.Server.TimeWaitCount < target || clients.Count > 0; steps++)
        {
            now = Advance(fleet, now);
            // The server closes first (active close), so the TIME-WAIT entry is on its side.
            while (fleet.Server.TryAccept(StackFleet.Port, out var h))
                fleet.Server.Close(h, now);
            for (int i = clients.Count - 1; i >= 0; i--)
            {
                var (client, handle) = clients[i];
                if (client.IsReceiveComplete(handle))
                {
                    client.Close(handle, now);
                    clients[i] = clients[^1];
                    clients.RemoveAt(clients.Count - 1);
                }
            }
            Guard(steps, done, count, "TIME-WAIT");
        }
        return now;
    }

    /// <summary>One step; when no packet moved, the clock jumps to the next timer.</summary>
    private static Instant Advance(StackFleet fleet, Instant now)
        => fleet.Step(now) ? now : fleet.NextDeadline(now);

    private static Instant Settle(StackFleet fleet, Instant now, Duration span)
    {
        var end = now + span;
        while (now < end)
        {
            fleet.Step(now);
            var next = fleet.NextDeadline(now);
            now = next < end ? next : end;
        }
        fleet.Step(now);
        return now;
    }

    private static void Guard(int steps, int done, int count, string state)
    {
        if (steps > MaxStepsPerWave)
            throw new InvalidOperationException($"connections did not reach {state} after {done} of {count}");
        if (steps == 0)
        {
            long heap = GC.GetTotalMemory(false);
            long budget = (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * MemoryShare);
            if (heap > budget)
            {
                throw new OutOfBudgetException(string.Create(CultureInfo.InvariantCulture,
                    $"stopped after {done:N0} of {count:N0} connections: the heap reached {heap / 1e9:F1} GB of the {budget / 1e9:F1} GB allowed ({heap / Math.Max(1, done) / 1000.0:F0} kB per connection so far); run with a smaller --count"));
            }
        }
    }

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(true);
    }

    private static TimeSpan Cpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
