using SynAck.Buffers;

namespace SynAck.Tcp;

/// <summary>
/// The send side's bytes from SND.UNA on: sent-but-unacknowledged first, then not yet sent. Acknowledged bytes
/// leave from the front; the application appends at the back. Chunks come from the stack's <see cref="BufferPool"/>
/// as bytes are appended and go back as they are acknowledged, so an idle connection's send buffer holds nothing.
/// Kept inline in the connection: a mutable struct, held in a field that is not readonly.
/// </summary>
internal struct SendBuffer
{
    private ChunkRing _ring;

    /// <summary>A buffer with a pool of its own and no budget (tests of the ring alone).</summary>
    public SendBuffer(int capacity)
        : this(new BufferPool(), capacity)
    {
    }

    public SendBuffer(BufferPool pool, int capacity) => _ring = new ChunkRing(pool, capacity);

    public readonly int Capacity => _ring.Capacity;

    public int Count { get; private set; }

    public readonly int Free => _ring.Capacity - Count;

    /// <summary>Chunks held from the pool now.</summary>
    public readonly int ChunksHeld => _ring.ChunksHeld;

    /// <summary>Chunks reserved from the pool's budget now.</summary>
    public readonly int ChunksReserved => _ring.ChunksReserved;

    /// <summary>Appends as much of <paramref name="data"/> as fits, in the capacity and in the pool's budget; returns how much.</summary>
    public int Append(ReadOnlySpan<byte> data)
    {
        int n = Math.Min(data.Length, Free);
        if (n <= 0)
            return 0;
        // Sending makes no promise to the peer, so the send side reserves only the chunks it is about to fill.
        _ring.ReserveUpTo(_ring.ChunksFor(0, Count + n));
        n = Math.Min(n, _ring.Storable - Count);
        if (n <= 0)
            return 0;
        _ring.CopyIn(Count, data[..n]);
        Count += n;
        return n;
    }

    /// <summary>Copies <paramref name="destination"/>.Length bytes starting <paramref name="offset"/> bytes after the front.</summary>
    public readonly void CopyTo(int offset, Span<byte> destination) => _ring.CopyOut(offset, destination);

    /// <summary>Drops <paramref name="count"/> acknowledged bytes from the front; chunks left empty go back to the pool.</summary>
    public void Consume(int count)
    {
        count = Math.Clamp(count, 0, Count);
        if (count == 0)
            return;
        Count -= count;
        _ring.AdvanceHead(count, Count);
        _ring.UnreserveIdle(0);
    }

    /// <summary>Gives every chunk and reservation back (the connection is gone).</summary>
    public void Release()
    {
        Count = 0;
        _ring.ReturnAll(0);
    }
}
