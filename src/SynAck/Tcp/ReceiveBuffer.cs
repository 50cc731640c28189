using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// The receive side's fixed-capacity ring. In-order bytes (up to RCV.NXT) wait for the application at the
/// front; out-of-order bytes are written straight to their place beyond them and remembered as a bounded list
/// of sequence ranges, so reassembly needs no extra memory. The caller keeps every write inside the window it
/// offered, which is never larger than <see cref="Free"/>.
/// </summary>
internal sealed class ReceiveBuffer
{
    private readonly byte[] _ring;
    private readonly SeqNum[] _left;
    private readonly SeqNum[] _right;
    private readonly long[] _stamp;
    private long _clock;
    private int _head;

    public ReceiveBuffer(int capacity, int maxRanges)
    {
        _ring = new byte[Math.Max(1, capacity)];
        _left = new SeqNum[Math.Max(1, maxRanges)];
        _right = new SeqNum[Math.Max(1, maxRanges)];
        _stamp = new long[Math.Max(1, maxRanges)];
    }

    public int Capacity => _ring.Length;

    /// <summary>In-order bytes the application can read.</summary>
    public int Readable { get; private set; }

    /// <summary>Space from RCV.NXT to the end of the ring: the most window we can offer.</summary>
    public int Free => _ring.Length - Readable;

    /// <summary>Out-of-order ranges held.</summary>
    public int RangeCount { get; private set; }

    public (SeqNum Left, SeqNum Right) Range(int i) => (_left[i], _right[i]);

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
        int pos = (_head + Readable + offset) % _ring.Length;
        int first = Math.Min(data.Length, _ring.Length - pos);
        data[..first].CopyTo(_ring.AsSpan(pos));
        data[first..].CopyTo(_ring);
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
                if (_left[i] <= end)
                {
                    end = SeqNum.Max(end, _right[i]);
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

    /// <summary>Copies up to <paramref name="destination"/>.Length in-order bytes out; returns how many.</summary>
    public int Read(Span<byte> destination)
    {
        int n = Math.Min(destination.Length, Readable);
        int first = Math.Min(n, _ring.Length - _head);
        _ring.AsSpan(_head, first).CopyTo(destination);
        _ring.AsSpan(0, n - first).CopyTo(destination[first..]);
        _head = (_head + n) % _ring.Length;
        Readable -= n;
        return n;
    }

    /// <summary>Forgets the out-of-order ranges (the connection is gone, or the window was withdrawn).</summary>
    public void ClearRanges() => RangeCount = 0;

    private bool AddRange(SeqNum left, SeqNum right)
    {
        // Merge with every range it overlaps or touches.
        for (int i = 0; i < RangeCount; i++)
        {
            if (left <= _right[i] && _left[i] <= right)
            {
                left = SeqNum.Min(left, _left[i]);
                right = SeqNum.Max(right, _right[i]);
                RemoveRange(i);
                i = -1;
            }
        }
        if (RangeCount == _left.Length)
            return false;
        _left[RangeCount] = left;
        _right[RangeCount] = right;
        _stamp[RangeCount] = ++_clock;
        RangeCount++;
        return true;
    }

    private void RemoveRange(int i)
    {
        RangeCount--;
        _left[i] = _left[RangeCount];
        _right[i] = _right[RangeCount];
        _stamp[i] = _stamp[RangeCount];
    }

    /// <summary>
    /// Adds up to <paramref name="max"/> of the held ranges to <paramref name="options"/> as SACK blocks, the most
    /// recently changed first (RFC 2018 §4: the first block holds the segment that triggered this ACK, and the next
    /// ones repeat the most recently reported, so each range is reported in several ACKs in case some are lost).
    /// </summary>
    public void AddSackBlocks(ref TcpOptions options, int max)
    {
        long below = long.MaxValue;
        for (int n = 0; n < max; n++)
        {
            int best = -1;
            for (int i = 0; i < RangeCount; i++)
            {
                if (_stamp[i] < below && (best < 0 || _stamp[i] > _stamp[best]))
                    best = i;
            }
            if (best < 0 || !options.TryAddSackBlock(new SackBlock(_left[best], _right[best])))
                return;
            below = _stamp[best];
        }
    }
}
