using SynAck.Buffers;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// The receive side's ring. In-order bytes (up to RCV.NXT) wait for the application at the front; out-of-order
/// bytes are written straight to their place beyond them and remembered as a bounded list of sequence ranges, so
/// reassembly needs no extra memory. Chunks come from the stack's <see cref="BufferPool"/> when bytes land in them
/// and go back once read (or forgotten), so an idle connection holds none. <see cref="Free"/> — the most window the
/// connection may offer — is first reserved from the pool's budget, so any window offered can be stored; the
/// caller keeps every write inside the window it offered. Kept inline in the connection: a mutable struct, held in
/// a field that is not readonly.
/// </summary>
internal struct ReceiveBuffer
{
    private const int InitialRanges = 8;

    private readonly ushort _maxRanges;
    private ChunkRing _ring;
    private ReceiveRange[]? _ranges;

    /// <summary>Bytes from the head to the end of the furthest byte held (in order or not).</summary>
    private int _extent;

    /// <summary>The connection is gone but the application may still read what it left: nothing more is reserved.</summary>
    private bool _retired;

    /// <summary>A buffer with a pool of its own and no budget (tests of the ring alone).</summary>
    public ReceiveBuffer(int capacity, int maxRanges)
        : this(new BufferPool(), capacity, maxRanges)
    {
    }

    public ReceiveBuffer(BufferPool pool, int capacity, int maxRanges)
    {
        _ring = new ChunkRing(pool, capacity);
        _maxRanges = (ushort)Math.Clamp(maxRanges, 1, ushort.MaxValue);
    }

    public readonly int Capacity => _ring.Capacity;

    /// <summary>Chunks held from the pool now.</summary>
    public readonly int ChunksHeld => _ring.ChunksHeld;

    /// <summary>Chunks reserved from the pool's budget now.</summary>
    public readonly int ChunksReserved => _ring.ChunksReserved;

    /// <summary>In-order bytes the application can read.</summary>
    public int Readable { get; private set; }

    /// <summary>
    /// Space from RCV.NXT that the buffer can store: the most window we can offer. The chunks it needs are reserved
    /// from the pool's budget here, before any window is computed from it, and stay reserved while the connection
    /// lives, so a window once offered is never more than the pool will lend (it only shrinks below the capacity
    /// when the budget is short).
    /// </summary>
    public int Free
    {
        get
        {
            if (!_ring.FullyReserved && !_retired)
                _ring.ReserveUpTo(int.MaxValue);
            return Math.Max(0, _ring.Storable - Readable);
        }
    }

    /// <summary>Out-of-order ranges held.</summary>
    public int RangeCount { get; private set; }

    public readonly (SeqNum Left, SeqNum Right) Range(int i) => (_ranges![i].Left, _ranges[i].Right);

    /// <summary>
    /// Stores <paramref name="data"/> that starts at <paramref name="seq"/> (≥ <paramref name="rcvNxt"/>, ending within
    /// <see cref="Free"/> of it). Returns how far RCV.NXT advances (0 for out-of-order data), or −1 when the data
    /// was out of order and the range list is full.
    /// </summary>
    public int Write(SeqNum rcvNxt, SeqNum seq, ReadOnlySpan<byte> data)
    {
        int offset = seq - rcvNxt;
        if (offset < 0 || data.IsEmpty || offset + data.Length > Free)
            return 0;
        if (offset > 0 && !AddRange(seq, seq + data.Length))
            return -1;
        _ring.CopyIn(Readable + offset, data);
        _extent = Math.Max(_extent, Readable + offset + data.Length);
        if (offset > 0)
            return 0;

        // In order: take the new bytes and every held range they now reach.
        SeqNum end = seq + data.Length;
        bool merged = true;
        while (merged)
        {
            merged = false;
            for (int i = 0; i < RangeCount; i++)
            {
                if (_ranges![i].Left <= end)
                {
                    end = SeqNum.Max(end, _ranges[i].Right);
                    RemoveRange(i);
                    merged = true;
                    break;
                }
            }
        }
        int advance = end - rcvNxt;
        Readable += advance;
        return advance;
    }

    /// <summary>Copies up to <paramref name="destination"/>.Length in-order bytes out; returns how many. Chunks read empty go back to the pool.</summary>
    public int Read(Span<byte> destination)
    {
        int n = Math.Min(destination.Length, Readable);
        if (n <= 0)
            return 0;
        _ring.CopyOut(0, destination[..n]);
        Readable -= n;
        _extent -= n;
        _ring.AdvanceHead(n, _extent);
        if (_retired)
            _ring.UnreserveIdle(0);
        return n;
    }

    /// <summary>Forgets the out-of-order ranges (the window was withdrawn) and returns the chunks only they used.</summary>
    public void ClearRanges()
    {
        RangeCount = 0;
        _extent = Readable;
        _ring.ReturnBeyond(_extent);
    }

    /// <summary>
    /// The connection is gone while the application may still read: out-of-order bytes and every reservation not
    /// backing unread bytes go back now, the rest as it is read.
    /// </summary>
    public void Retire()
    {
        _retired = true;
        ClearRanges();
        _ring.UnreserveIdle(0);
    }

    /// <summary>Gives every chunk and reservation back (the connection is gone and nobody will read).</summary>
    public void Release()
    {
        _retired = true;
        RangeCount = 0;
        Readable = 0;
        _extent = 0;
        _ring.ReturnAll(0);
    }

    private bool AddRange(SeqNum left, SeqNum right)
    {
        var ranges = _ranges ??= new ReceiveRange[Math.Min((int)_maxRanges, InitialRanges)];
        // Merge with every range it overlaps or touches.
        for (int i = 0; i < RangeCount; i++)
        {
            if (left <= ranges[i].Right && ranges[i].Left <= right)
            {
                left = SeqNum.Min(left, ranges[i].Left);
                right = SeqNum.Max(right, ranges[i].Right);
                RemoveRange(i);
                i = -1;
            }
        }
        if (RangeCount == ranges.Length)
        {
            if (ranges.Length == _maxRanges)
                return false;
            // Grows by doubling, so a connection that never sees many holes keeps a small table.
            Array.Resize(ref _ranges, Math.Min(ranges.Length * 2, (int)_maxRanges));
            ranges = _ranges;
        }
        // Stamps only order the ranges held, so one above the newest held will do (no clock to keep).
        long stamp = 0;
        for (int i = 0; i < RangeCount; i++)
            stamp = Math.Max(stamp, ranges[i].Stamp);
        ranges[RangeCount] = new ReceiveRange { Left = left, Right = right, Stamp = stamp + 1 };
        RangeCount++;
        return true;
    }

    private void RemoveRange(int i)
    {
        RangeCount--;
        _ranges![i] = _ranges[RangeCount];
    }

    /// <summary>
    /// Adds up to <paramref name="max"/> of the held ranges to <paramref name="options"/> as SACK blocks, the most
    /// recently changed first (RFC 2018 §4: the first block holds the segment that triggered this ACK, and the next
    /// ones repeat the most recently reported, so each range is reported in several ACKs in case some are lost).
    /// </summary>
    public readonly void AddSackBlocks(ref TcpOptions options, int max)
    {
        long below = long.MaxValue;
        for (int n = 0; n < max; n++)
        {
            int best = -1;
            for (int i = 0; i < RangeCount; i++)
            {
                if (_ranges![i].Stamp < below && (best < 0 || _ranges[i].Stamp > _ranges[best].Stamp))
                    best = i;
            }
            if (best < 0 || !options.TryAddSackBlock(new SackBlock(_ranges![best].Left, _ranges[best].Right)))
                return;
            below = _ranges[best].Stamp;
        }
    }
}
