using SynAck.Buffers;
using SynAck.Tcp;
using SynAck.Wire;

namespace SynAck.Tests.Buffers;

/// <summary>The chunked send and receive rings against a plain model, and what they hold from the pool.</summary>
public sealed class ChunkRingTests
{
    private static int Next(SplitMix64Random r, int bound) => bound <= 0 ? 0 : (int)(r.NextUInt64() % (ulong)bound);

    [Theory]
    [InlineData(1, 7_752)]      // smaller than one chunk: the ring wraps inside its only chunk
    [InlineData(2, 65_536)]     // exactly four chunks
    [InlineData(3, 50_001)]     // a partial last chunk
    public void Send_buffer_matches_a_queue_through_appends_and_acknowledgments(ulong seed, int capacity)
    {
        var r = new SplitMix64Random(seed);
        var pool = new BufferPool();
        var b = new SendBuffer(pool, capacity);
        var model = new List<byte>();
        byte next = 0;
        for (int step = 0; step < 3000; step++)
        {
            if (Next(r, 2) == 0)
            {
                var data = new byte[Next(r, 30_000)];
                for (int i = 0; i < data.Length; i++)
                    data[i] = (byte)(next + i);
                int n = b.Append(data);
                Assert.Equal(Math.Min(data.Length, capacity - model.Count), n);
                model.AddRange(data.Take(n));
                next += (byte)n;
            }
            else
            {
                int n = Next(r, model.Count + 1);
                b.Consume(n);
                model.RemoveRange(0, n);
            }
            Assert.Equal(model.Count, b.Count);
            if (model.Count > 0)
            {
                int offset = Next(r, model.Count);
                var copy = new byte[Next(r, model.Count - offset + 1)];
                b.CopyTo(offset, copy);
                Assert.Equal(model.Skip(offset).Take(copy.Length), copy);
            }
            // The chunks held are those the queued bytes need, no more.
            Assert.True(b.ChunksHeld <= (model.Count + 2 * BufferPool.ChunkSize - 2) / BufferPool.ChunkSize);
            Assert.Equal(pool.RentedChunks, b.ChunksHeld);
        }
        b.Consume(b.Count);
        Assert.Equal(0, pool.RentedChunks);
        Assert.Equal(0, pool.ReservedChunks);
        Assert.Equal(0, pool.RentedTables);
    }

    [Theory]
    [InlineData(4, 7_752)]
    [InlineData(5, 65_536)]
    [InlineData(6, 50_001)]
    public void Receive_buffer_reassembles_random_out_of_order_writes_like_a_model(ulong seed, int capacity)
    {
        var r = new SplitMix64Random(seed);
        var pool = new BufferPool();
        var b = new ReceiveBuffer(pool, capacity, 8);
        uint rcvNxt = 1000;
        uint readNext = 1000;
        for (int step = 0; step < 4000; step++)
        {
            int free = b.Free;
            if (Next(r, 3) < 2 && free > 0)
            {
                // Byte values are their sequence numbers' low bits, so any misplaced byte shows.
                int offset = Next(r, 3) == 0 ? 0 : Next(r, free);
                int length = 1 + Next(r, free - offset);
                var data = new byte[length];
                for (int i = 0; i < length; i++)
                    data[i] = (byte)(rcvNxt + offset + i);
                int advance = b.Write(new SeqNum(rcvNxt), new SeqNum(rcvNxt + (uint)offset), data);
                if (advance > 0)
                    rcvNxt += (uint)advance;
            }
            else
            {
                var into = new byte[Next(r, 40_000)];
                int n = b.Read(into);
                for (int i = 0; i < n; i++)
                    Assert.Equal((byte)(readNext + i), into[i]);
                readNext += (uint)n;
            }
            Assert.Equal((int)(rcvNxt - readNext), b.Readable);
            Assert.Equal(pool.RentedChunks, b.ChunksHeld);
        }
        b.Release();
        Assert.Equal(0, pool.RentedChunks);
        Assert.Equal(0, pool.ReservedChunks);
        Assert.Equal(0, pool.RentedTables);
    }

    [Fact]
    public void An_empty_buffer_holds_no_chunk_and_read_out_data_goes_back()
    {
        var pool = new BufferPool();
        var b = new ReceiveBuffer(pool, 256 * 1024, 8);
        Assert.Equal(256 * 1024, b.Free);
        Assert.Equal(0, pool.RentedChunks);
        Assert.Equal(16, pool.ReservedChunks);    // the window offered is reserved, not held
        var nxt = new SeqNum(1);
        Assert.Equal(0, b.Write(nxt, nxt + 40_000, new byte[100]));   // out of order: lands in the third chunk only
        Assert.Equal(1, pool.RentedChunks);
        Assert.Equal(40_100, b.Write(nxt, nxt, new byte[40_000]));
        Assert.Equal(3, pool.RentedChunks);
        b.Read(new byte[20_000]);
        Assert.Equal(2, pool.RentedChunks);        // the first chunk was read empty
        b.Read(new byte[30_000]);
        Assert.Equal(0, pool.RentedChunks);
        Assert.Equal(0, pool.RentedTables);
        Assert.Equal(16, pool.ReservedChunks);
    }

    [Fact]
    public void A_window_is_offered_only_as_far_as_the_budget_can_store_it()
    {
        // A budget of five chunks: the first buffer reserves its four, the second gets one.
        var pool = new BufferPool(limitBytes: 5 * BufferPool.ChunkSize);
        var first = new ReceiveBuffer(pool, 4 * BufferPool.ChunkSize, 8);
        var second = new ReceiveBuffer(pool, 4 * BufferPool.ChunkSize, 8);
        Assert.Equal(4 * BufferPool.ChunkSize, first.Free);
        Assert.Equal(BufferPool.ChunkSize, second.Free);
        var nxt = new SeqNum(0);
        // Everything offered can be stored: fill both windows completely.
        Assert.Equal(first.Free, first.Write(nxt, nxt, new byte[first.Free]));
        Assert.Equal(BufferPool.ChunkSize, second.Write(nxt, nxt, new byte[BufferPool.ChunkSize]));
        Assert.Equal(5, pool.RentedChunks);
        // With one chunk reserved, room comes back only when the head leaves it (the next bytes would need a
        // second chunk); reading it all returns it and reopens the whole chunk, never needing a sixth.
        second.Read(new byte[100]);
        Assert.Equal(0, second.Free);
        second.Read(new byte[BufferPool.ChunkSize]);
        Assert.Equal(4, pool.RentedChunks);
        Assert.Equal(BufferPool.ChunkSize, second.Free);
        nxt += BufferPool.ChunkSize;
        Assert.Equal(BufferPool.ChunkSize, second.Write(nxt, nxt, new byte[BufferPool.ChunkSize]));
        Assert.Equal(5, pool.RentedChunks);
        // With the budget spent, a new buffer still gets its first chunk (past the budget, as Linux keeps
        // tcp_rmem[0]/tcp_wmem[0]) and not one more, and the shortfalls are counted.
        long hits = pool.BudgetHits;
        var third = new ReceiveBuffer(pool, 4 * BufferPool.ChunkSize, 8);
        Assert.Equal(BufferPool.ChunkSize, third.Free);
        var send = new SendBuffer(pool, 4 * BufferPool.ChunkSize);
        Assert.Equal(BufferPool.ChunkSize, send.Append(new byte[2 * BufferPool.ChunkSize]));
        Assert.Equal(7, pool.ReservedChunks);
        Assert.True(pool.BudgetHits > hits);
        first.Release();
        Assert.Equal(2 * BufferPool.ChunkSize, send.Append(new byte[2 * BufferPool.ChunkSize]));
    }
}
