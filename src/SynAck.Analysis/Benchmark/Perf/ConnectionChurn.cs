using System.Diagnostics;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>
/// Short-lived connections between in-memory stacks on one thread, on the real clock: SYN, a 1-byte request, a 1-byte
/// response, the client closes (and holds the TIME-WAIT entry), the server closes after reading the end. Up to
/// <see cref="InFlight"/> connections are under way at once, as concurrent clients would have them.
/// </summary>
internal static class ConnectionChurn
{
    public const int InFlight = 256;
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(30);

    private struct Slot
    {
        public NetStack Client;
        public TcpHandle Handle;
        public bool Requested;
    }

    /// <summary>Runs <paramref name="count"/> connections to completion; the figure is connections per second, and the
    /// sample's <see cref="RunSample.Extra"/> the bytes allocated per connection (every thread, so the GC's view).</summary>
    public static RunSample Run(int count, ulong seed)
    {
        var fleet = new StackFleet(count, TcpSettings.Default, TcpSettings.Default, seed);
        var slots = new List<Slot>(InFlight);
        var accepted = new List<TcpHandle>(InFlight * 2);
        var one = new byte[1];
        int opened = 0, completed = 0, failed = 0;
        long epoch = Stopwatch.GetTimestamp(), lastProgress = epoch;
        Instant Now() => new((long)(Stopwatch.GetElapsedTime(epoch).Ticks * 100));

        long allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        int gen2 = GC.CollectionCount(2);
        var (wall, cpu) = RunSample.Time(() =>
        {
            while (completed + failed < count)
            {
                var now = Now();
                while (slots.Count < InFlight && opened < count)
                {
                    var (client, handle) = fleet.Connect(now);
                    slots.Add(new Slot { Client = client, Handle = handle });
                    opened++;
                }
                fleet.Step(now);
                var server = fleet.Server;
                while (server.TryAccept(StackFleet.Port, out var h))
                    accepted.Add(h);
                for (int i = accepted.Count - 1; i >= 0; i--)
                {
                    var h = accepted[i];
                    if (server.Available(h) > 0 && server.Receive(h, one, now) == 1)
                        server.Send(h, one, now);
                    if (server.IsReceiveComplete(h) || server.State(h) == TcpState.Closed)
                    {
                        server.Close(h, now);
                        accepted[i] = accepted[^1];
                        accepted.RemoveAt(accepted.Count - 1);
                    }
                }
                int before = completed + failed;
                for (int i = slots.Count - 1; i >= 0; i--)
                {
                    var s = slots[i];
                    var state = s.Client.State(s.Handle);
                    bool done = false;
                    if (state == TcpState.Established && !s.Requested)
                    {
                        s.Requested = s.Client.Send(s.Handle, one, now) == 1;
                        slots[i] = s;
                    }
                    else if (s.Requested && s.Client.Available(s.Handle) > 0)
                    {
                        s.Client.Receive(s.Handle, one, now);
                        s.Client.Close(s.Handle, now);
                        completed++;
                        done = true;
                    }
                    else if (state == TcpState.Closed)
                    {
                        failed++;
                        done = true;
                    }
                    if (done)
                    {
                        slots[i] = slots[^1];
                        slots.RemoveAt(slots.Count - 1);
                    }
                }
                if (completed + failed != before)
                    lastProgress = Stopwatch.GetTimestamp();
                else if (Stopwatch.GetElapsedTime(lastProgress) > StallLimit)
                    throw new InvalidOperationException($"the in-memory connections stalled at {completed} of {count}");
            }
        });
        if (failed > 0)
            throw new InvalidOperationException($"{failed} of {count} in-memory connections failed");
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated0;
        return new RunSample(count / wall.TotalSeconds, count, wall, cpu, allocated / count) { Gen2Collections = GC.CollectionCount(2) - gen2 };
    }
}
