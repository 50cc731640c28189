namespace SynAck.Buffers;

/// <summary>
/// One stack's store of fixed-size chunks for send and receive buffers (single-threaded like the stack, so no
/// locks). Buffers hold chunks only while they hold data and give them back when they empty; the pool keeps up to
/// <see cref="RetainChunks"/> returned chunks for reuse and leaves the rest to the GC, so a burst does not pin its
/// memory forever. A budget bounds what buffers may hold at once: a buffer reserves chunks before it rents them
/// (a receive buffer reserves what its advertised window may need, see <see cref="ChunkRing"/>), and the
/// reservations never add up to more than <see cref="LimitChunks"/>.
/// </summary>
internal sealed class BufferPool
{
    /// <summary>log2 of <see cref="ChunkSize"/>.</summary>
    public const int ChunkShift = 14;

    /// <summary>Bytes per chunk: 16 KiB, small enough to stay off the large-object heap.</summary>
    public const int ChunkSize = 1 << ChunkShift;

    private readonly Stack<byte[]?[]>?[] _tables = new Stack<byte[]?[]>?[31];
    private byte[][] _free = [];

    /// <param name="limitBytes">Most bytes all buffers together may reserve; 0 or less for no limit.</param>
    /// <param name="retainChunks">Returned chunks kept for reuse beyond which they go to the GC.</param>
    public BufferPool(long limitBytes = 0, int retainChunks = 1024)
    {
        LimitChunks = limitBytes <= 0 ? long.MaxValue : limitBytes >> ChunkShift;
        RetainChunks = Math.Max(0, retainChunks);
    }

    /// <summary>Chunks all buffers together may reserve.</summary>
    public long LimitChunks { get; }

    public int RetainChunks { get; }

    /// <summary>Chunks reserved by buffers (held or promised).</summary>
    public long ReservedChunks { get; private set; }

    /// <summary>Chunks lent out now.</summary>
    public long RentedChunks { get; private set; }

    /// <summary>Chunks ever allocated (a pool that reuses well stops counting up).</summary>
    public long AllocatedChunks { get; private set; }

    /// <summary>Returned chunks waiting for reuse.</summary>
    public int FreeChunks { get; private set; }

    /// <summary>Chunk tables lent out now (one per buffer holding data).</summary>
    public int RentedTables { get; private set; }

    /// <summary>Reserves up to <paramref name="wanted"/> chunks within the budget; returns how many it got.</summary>
    public int Reserve(int wanted)
    {
        long room = LimitChunks - ReservedChunks;
        int got = (int)Math.Clamp(room, 0, Math.Max(0, wanted));
        ReservedChunks += got;
        if (got < wanted)
            BudgetHits++;
        return got;
    }

    /// <summary>Reservations that got less than they wanted because the budget was spent (a window offered smaller).</summary>
    public long BudgetHits { get; private set; }

    /// <summary>
    /// One chunk reserved past the budget for a buffer that has none: every buffer may always hold one chunk, as
    /// Linux lets every socket keep <c>tcp_rmem[0]</c>/<c>tcp_wmem[0]</c> under memory pressure. Without it, one
    /// connection whose reader is slow would hold the whole budget and every later connection would offer a zero
    /// window for as long as that one lives. The total stays bounded: budget + one chunk per buffer.
    /// </summary>
    public void ReserveFloor() => ReservedChunks++;

    /// <summary>Gives back <paramref name="count"/> reserved chunks.</summary>
    public void Unreserve(int count) => ReservedChunks -= count;

    /// <summary>A chunk (contents undefined); the caller must hold a reservation for it.</summary>
    public byte[] Rent()
    {
        RentedChunks++;
        if (FreeChunks > 0)
        {
            var chunk = _free[--FreeChunks];
            _free[FreeChunks] = null!;
            return chunk;
        }
        AllocatedChunks++;
        return new byte[ChunkSize];
    }

    public void Return(byte[] chunk)
    {
        RentedChunks--;
        if (FreeChunks >= RetainChunks)
            return;
        if (FreeChunks == _free.Length)
            Array.Resize(ref _free, Math.Min(RetainChunks, Math.Max(16, _free.Length * 2)));
        _free[FreeChunks++] = chunk;
    }

    /// <summary>An empty table of at least <paramref name="length"/> chunk slots (a power of two).</summary>
    public byte[]?[] RentTable(int length)
    {
        int k = Log2Ceiling(length);
        RentedTables++;
        if (_tables[k] is { Count: > 0 } list)
            return list.Pop();
        return new byte[]?[1 << k];
    }

    /// <summary>Takes back a table whose slots are all empty.</summary>
    public void ReturnTable(byte[]?[] table)
    {
        RentedTables--;
        int k = Log2Ceiling(table.Length);
        var list = _tables[k] ??= new Stack<byte[]?[]>();
        // Tables are small; keep as many as the retained chunks could fill.
        if (list.Count < Math.Max(16, RetainChunks))
            list.Push(table);
    }

    private static int Log2Ceiling(int n) => n <= 1 ? 0 : 32 - int.LeadingZeroCount(n - 1);
}
