using System.Runtime.CompilerServices;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Buffers;

[CollectionDefinition(nameof(HeapMeasurement), DisableParallelization = true)]
public sealed class HeapMeasurement;

/// <summary>
/// 10,000 short connections (connect, 1 byte each way, close) leave the pool and the heap where they started: no
/// chunk or reservation outstanding, no connection object alive, and the heap within a bound once TIME-WAIT is over.
/// Runs alone (the heap is measured process-wide).
/// </summary>
[Collection(nameof(HeapMeasurement))]
public sealed class ConnectionChurnTests
{
    /// <summary>
    /// What may stay: the tables keep the size they grew to (the TIME-WAIT table's arrays for 10,000 entries,
    /// about 0.6 MB, the connection and timer tables' small arrays) and the pool its free chunks (a few).
    /// </summary>
    private const long HeapBound = 2 * 1024 * 1024;

    private sealed class Wire : IPacketSink
    {
        private readonly Queue<byte[]> _packets = new();

        public void Send(ReadOnlySpan<byte> ipPacket) => _packets.Enqueue(ipPacket.ToArray());

        public bool DeliverAll(NetStack to, Instant now)
        {
            bool any = _packets.Count > 0;
            while (_packets.TryDequeue(out var p))
                to.Deliver(p, now);
            return any;
        }
    }

    [Fact]
    public void Ten_thousand_short_connections_leave_the_pool_and_the_heap_where_they_started()
    {
        var a = new NetStack(IpAddress.V4(10, 0, 0, 1), TcpSettings.Default, new SplitMix64Random(1));
        var b = new NetStack(IpAddress.V4(10, 0, 0, 2), TcpSettings.Default, new SplitMix64Random(2));
        var toA = new Wire();
        var toB = new Wire();
        var now = Instant.FromMilliseconds(1);
        b.Listen(80, 1024);

        void Pump()
        {
            bool moved = true;
            while (moved)
            {
                a.Poll(now, toB);
                moved = toB.DeliverAll(b, now);
                b.Poll(now, toA);
                moved |= toA.DeliverAll(a, now);
            }
        }

        var weak = new List<WeakReference>();
        void Churn(int count)
        {
            var one = new byte[1];
            for (int i = 0; i < count; i++)
            {
                var c = a.Connect(b.Address, 80, now);
                if (i % 1000 == 0)
                    weak.Add(Track(a, c));
                Pump();
                Assert.True(b.TryAccept(80, out var s));
                if (i % 1000 == 0)
                    weak.Add(Track(b, s));
                Assert.Equal(1, a.Send(c, one, now));
                Pump();
                Assert.Equal(1, b.Receive(s, one, now));
                Assert.Equal(1, b.Send(s, one, now));
                Pump();
                Assert.Equal(1, a.Receive(c, one, now));
                a.Close(c, now);
                Pump();
                b.Close(s, now);
                Pump();
                now += Duration.FromMicroseconds(50);
            }
            // Let every TIME-WAIT end (2MSL) and every timer run out.
            now += TcpSettings.Default.Msl * 2 + Duration.FromSeconds(1);
            Pump();
        }

        Churn(100);   // the tables and the pool reach their working shape
        long before = Heap();
        Churn(10_000);
        long after = Heap();

        foreach (var s in new[] { a, b })
        {
            Assert.Equal(0, s.ConnectionCount);
            Assert.Equal(0, s.TimeWaitCount);
            Assert.Equal(0, s.HandleCount);
            Assert.Equal(0, s.Buffers.RentedChunks);
            Assert.Equal(0, s.Buffers.ReservedChunks);
            Assert.Equal(0, s.Buffers.RentedTables);
            // One connection at a time needs a chunk or two per buffer; the pool reuses them, it does not grow.
            Assert.True(s.Buffers.AllocatedChunks <= 4, $"{s.Buffers.AllocatedChunks} chunks allocated");
        }
        Assert.Equal(10_100, a.Counters.ActiveOpens);
        Assert.All(weak, w => Assert.False(w.IsAlive));
        Assert.True(after - before <= HeapBound, $"the heap grew by {after - before:N0} bytes over 10,000 connections");
        GC.KeepAlive(a);
        GC.KeepAlive(b);
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference Track(NetStack stack, TcpHandle handle) => new(stack.Get(handle));
}
