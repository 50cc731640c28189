using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Stack;

/// <summary>Architecture principle 7: steady-state bulk transfer allocates nothing per segment.</summary>
public sealed class AllocationTests
{
    /// <summary>A wire that allocates nothing: packets go into preallocated slots and are delivered in order.</summary>
    private sealed class Ring : IPacketSink
    {
        private readonly byte[][] _slots;
        private readonly int[] _lengths;
        private int _head;

        public Ring(int capacity)
        {
            _slots = new byte[capacity][];
            for (int i = 0; i < capacity; i++)
                _slots[i] = new byte[2048];
            _lengths = new int[capacity];
        }

        public int Count { get; private set; }

        public long Total { get; private set; }

        public void Send(ReadOnlySpan<byte> ipPacket)
        {
            if (Count == _slots.Length)
                throw new InvalidOperationException("ring full");
            int i = (_head + Count) % _slots.Length;
            ipPacket.CopyTo(_slots[i]);
            _lengths[i] = ipPacket.Length;
            Count++;
            Total++;
        }

        public void DeliverAll(NetStack to, Instant now)
        {
            while (Count > 0)
            {
                to.Deliver(_slots[_head].AsSpan(0, _lengths[_head]), now);
                _head = (_head + 1) % _slots.Length;
                Count--;
            }
        }
    }

    [Fact]
    public void Steady_state_bulk_transfer_allocates_nothing()
    {
        var a = new NetStack(IpAddress.V4(10, 0, 0, 1), TcpSettings.Default, new SplitMix64Random(1));
        var b = new NetStack(IpAddress.V4(10, 0, 0, 2), TcpSettings.Default, new SplitMix64Random(2));
        // The transition checker stays attached: events are built on every segment, and must not allocate either.
        var checkA = new SynAck.Diagnostics.TransitionChecker();
        var checkB = new SynAck.Diagnostics.TransitionChecker();
        a.AddObserver(checkA);
        b.AddObserver(checkB);
        var toB = new Ring(256);
        var toA = new Ring(256);
        var now = Instant.Zero;
        b.Listen(80);
        var client = a.Connect(b.Address, 80, now);
        TcpHandle server = default;
        for (int i = 0; i < 10 && !b.TryAccept(80, out server); i++)
        {
            now += Duration.FromMilliseconds(1);
            Step();
        }
        Assert.True(server.IsValid);
        var chunk = new byte[16 * 1024];
        var sink = new byte[64 * 1024];
        long received = 0;

        void Step()
        {
            a.Poll(now, toB);
            toB.DeliverAll(b, now);
            b.Poll(now, toA);
            toA.DeliverAll(a, now);
        }

        void Pump(int rounds)
        {
            for (int i = 0; i < rounds; i++)
            {
                now += Duration.FromMicroseconds(100);
                a.Send(client, chunk, now);
                Step();
                received += b.Receive(server, sink, now);
                Step();
            }
        }

        Pump(2000);   // warm up: buffers, heaps and dictionaries reach their working size
        long segmentsBefore = toB.Total;
        long receivedBefore = received;
        long before = GC.GetAllocatedBytesForCurrentThread();
        Pump(5000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        long segments = toB.Total - segmentsBefore;
        Assert.True(segments > 10_000, $"only {segments} segments were sent");
        Assert.True(received - receivedBefore > 10_000_000, $"only {received - receivedBefore} bytes moved");
        Assert.Equal(0, allocated);
        checkA.ThrowIfViolated();
        checkB.ThrowIfViolated();
    }
}
