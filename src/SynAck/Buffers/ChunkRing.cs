namespace SynAck.Buffers;

/// <summary>
/// A byte ring of <see cref="Capacity"/> bytes laid over chunks from a <see cref="BufferPool"/>, kept inline in its
/// owner (a mutable struct: hold it in a field that is not readonly, never copy it). Positions run over a virtual
/// ring of whole chunks; a chunk is rented when a byte is first written into it and returned as soon as no live byte
/// lies in it, and the chunk table itself goes back when the ring empties. An empty ring holds nothing from the
/// pool but its reservation, so an idle connection costs only its fields.
/// </summary>
internal struct ChunkRing
{
    private const int Mask = BufferPool.ChunkSize - 1;
    private readonly BufferPool _pool;
    private byte[]?[]? _chunks;

    public ChunkRing(BufferPool pool, int capacity)
    {
        _pool = pool;
        // Ring positions are ints: a ring is at most 1 GiB (the largest scaled window, RFC 7323 §2.3).
        Capacity = Math.Clamp(capacity, 1, 1 << 30);
    }

    /// <summary>The most bytes the ring holds.</summary>
    public readonly int Capacity { get; }

    /// <summary>Chunks reserved from the pool's budget (held, or promised).</summary>
    public int ChunksReserved { get; private set; }

    /// <summary>Ring position of the first live byte.</summary>
    public int Head { get; private set; }

    /// <summary>Chunks held now (counted, not kept: four bytes fewer per ring, and rings are small).</summary>
    public readonly int ChunksHeld
    {
        get
        {
            int n = 0;
            if (_chunks is not null)
            {
                for (int c = ChunkCount - 1; c >= 0; c--)
                    n += _chunks[c] is null ? 0 : 1;
            }
            return n;
        }
    }

    /// <summary>True when every chunk of the ring is reserved.</summary>
    public readonly bool FullyReserved => ChunksReserved == ChunkCount;

    /// <summary>
    /// The most bytes, counted from the head, that the reserved chunks can store wherever the head lies: with
    /// every chunk reserved the whole capacity; otherwise the reserved chunks minus the part of the head's chunk
    /// before the head (a run from the head touches at most that many chunks).
    /// </summary>
    public readonly int Storable
        => FullyReserved ? Capacity : Math.Max(0, Math.Min(Capacity, (ChunksReserved << BufferPool.ChunkShift) - (Head & Mask)));

    private readonly int ChunkCount => (int)(((long)Capacity + Mask) >> BufferPool.ChunkShift);

    private readonly int RingSize => ChunkCount << BufferPool.ChunkShift;

    /// <summary>Tries to reserve chunks up to <paramref name="chunks"/> (at most the ring's); keeps what it gets.</summary>
    public void ReserveUpTo(int chunks)
    {
        int wanted = Math.Min(chunks, ChunkCount) - ChunksReserved;
        if (wanted <= 0)
            return;
        int got = _pool.Reserve(wanted);
        if (got == 0 && ChunksReserved == 0)
        {
            // The budget is spent: the buffer's first chunk is granted anyway (BufferPool.ReserveFloor).
            _pool.ReserveFloor();
            got = 1;
        }
        ChunksReserved += got;
    }

    /// <summary>Chunks a run of <paramref name="length"/> bytes from <paramref name="offset"/> after the head touches.</summary>
    public readonly int ChunksFor(int offset, int length)
    {
        if (length <= 0)
            return 0;
        long start = (Head & Mask) + (long)offset;
        return (int)Math.Min(ChunkCount, ((start + length - 1) >> BufferPool.ChunkShift) - (start >> BufferPool.ChunkShift) + 1);
    }

    /// <summary>Copies <paramref name="data"/> in at <paramref name="offset"/> bytes after the head, renting the chunks it lands in.</summary>
    public void CopyIn(int offset, ReadOnlySpan<byte> data)
    {
        int pos = Wrap(Head + offset);
        while (!data.IsEmpty)
        {
            int within = pos & Mask;
            int n = Math.Min(data.Length, BufferPool.ChunkSize - within);
            data[..n].CopyTo(ChunkAt(pos >> BufferPool.ChunkShift).AsSpan(within, n));
            data = data[n..];
            pos = Wrap(pos + n);
        }
    }

    /// <summary>Copies bytes out from <paramref name="offset"/> bytes after the head.</summary>
    public readonly void CopyOut(int offset, Span<byte> destination)
    {
        int pos = Wrap(Head + offset);
        while (!destination.IsEmpty)
        {
            int within = pos & Mask;
            int n = Math.Min(destination.Length, BufferPool.ChunkSize - within);
            _chunks![pos >> BufferPool.ChunkShift]!.AsSpan(within, n).CopyTo(destination);
            destination = destination[n..];
            pos = Wrap(pos + n);
        }
    }

    /// <summary>
    /// Moves the head <paramref name="count"/> bytes on and returns every chunk passed over that holds none of the
    /// <paramref name="liveAfter"/> bytes still live from the new head; with nothing live, everything goes back.
    /// </summary>
    public void AdvanceHead(int count, int liveAfter)
    {
        if (liveAfter <= 0)
        {
            ReturnAll();
            return;
        }
        if (count <= 0)
            return;
        int chunkCount = ChunkCount;
        int ringSize = chunkCount << BufferPool.ChunkShift;
        int old = Head;
        Head = Wrap(Head + count);
        int passed = Math.Min(((old & Mask) + count) >> BufferPool.ChunkShift, chunkCount);
        int c = old >> BufferPool.ChunkShift;
        int headChunk = Head >> BufferPool.ChunkShift;
        for (int i = 0; i < passed; i++)
        {
            // The new head's chunk stays (a small ring can wrap back into it); another chunk passed over is still
            // live only when the live bytes wrap round the ring into it.
            int distance = (c << BufferPool.ChunkShift) - Head;
            if (distance < 0)
                distance += ringSize;
            if (c != headChunk && distance >= liveAfter && _chunks?[c] is not null)
                ReturnChunk(c);
            c = c + 1 == chunkCount ? 0 : c + 1;
        }
    }

    /// <summary>Returns every chunk that holds none of the first <paramref name="live"/> bytes after the head.</summary>
    public void ReturnBeyond(int live)
    {
        if (live <= 0)
        {
            ReturnAll();
            return;
        }
        if (_chunks is null)
            return;
        int chunkCount = ChunkCount;
        int ringSize = chunkCount << BufferPool.ChunkShift;
        for (int c = 0; c < chunkCount; c++)
        {
            if (_chunks[c] is null)
                continue;
            int distance = (c << BufferPool.ChunkShift) - (Head & ~Mask);
            if (distance < 0)
                distance += ringSize;
            // The head's own chunk (distance 0) is live; another is live when the live run reaches its start.
            if (distance != 0 && distance - (Head & Mask) >= live)
                ReturnChunk(c);
        }
    }

    /// <summary>Returns every chunk and the table, and every reservation beyond <paramref name="keepReserved"/> chunks; the head goes back to 0.</summary>
    public void ReturnAll(int keepReserved = int.MaxValue)
    {
        if (_chunks is not null)
        {
            for (int c = 0; c < ChunkCount; c++)
            {
                if (_chunks[c] is not null)
                    ReturnChunk(c);
            }
            _pool.ReturnTable(_chunks);
            _chunks = null;
        }
        Head = 0;
        UnreserveIdle(Math.Min(keepReserved, ChunksReserved));
    }

    /// <summary>Gives back reservations not backing a held chunk, down to <paramref name="floor"/> chunks.</summary>
    public void UnreserveIdle(int floor)
    {
        int drop = ChunksReserved - Math.Max(ChunksHeld, floor);
        if (drop > 0)
        {
            _pool.Unreserve(drop);
            ChunksReserved -= drop;
        }
    }

    private byte[] ChunkAt(int c)
    {
        _chunks ??= _pool.RentTable(ChunkCount);
        var chunk = _chunks[c];
        if (chunk is null)
        {
            chunk = _pool.Rent();
            _chunks[c] = chunk;
        }
        return chunk;
    }

    private void ReturnChunk(int c)
    {
        _pool.Return(_chunks![c]!);
        _chunks[c] = null;
    }

    private readonly int Wrap(int pos) => pos >= RingSize ? pos - RingSize : pos;
}
