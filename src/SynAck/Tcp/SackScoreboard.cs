using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// The sender's SACK scoreboard (RFC 6675 §3): which ranges above SND.UNA the receiver reported holding (RFC 2018
/// blocks), kept sorted and merged in arrays made at the first block (most connections never see one) and doubled
/// when a window has more holes than they hold, up to the capacity. When full, further blocks are ignored — that only
/// makes recovery retransmit a little more, never less. A mutable struct kept inline in its connection (one
/// object fewer per connection): hold it in a field that is not readonly.
/// </summary>
internal struct SackScoreboard
{
    private const int InitialRanges = 16;

    private readonly int _capacity;
    private SeqNum[] _left;
    private SeqNum[] _right;

    public SackScoreboard(int capacity)
    {
        _capacity = capacity;
        _left = [];
        _right = [];
    }

    public int Count { get; private set; }

    /// <summary>The right edge of the highest SACKed range (HighACK's counterpart; meaningful when <see cref="Count"/> &gt; 0).</summary>
    public SeqNum HighestSacked => _right[Count - 1];

    public (SeqNum Left, SeqNum Right) Range(int i) => (_left[i], _right[i]);

    public void Clear() => Count = 0;

    /// <summary>Records that [<paramref name="left"/>, <paramref name="right"/>) arrived, merging with what it touches.</summary>
    public void Add(SeqNum left, SeqNum right)
    {
        if (_left.Length == 0)
        {
            _left = new SeqNum[Math.Min(_capacity, InitialRanges)];
            _right = new SeqNum[_left.Length];
        }
        int i = 0;
        while (i < Count && _right[i] < left)
            i++;
        // i: first range that ends at or after left. Merge every range that starts at or before right.
        int j = i;
        while (j < Count && _left[j] <= right)
        {
            left = SeqNum.Min(left, _left[j]);
            right = SeqNum.Max(right, _right[j]);
            j++;
        }
        int removed = j - i;
        if (removed == 0)
        {
            if (Count == _left.Length)
            {
                if (Count == _capacity)
                    return;
                // Grows by doubling: many holes in one window (a queue overflowing in slow start) need many ranges.
                Array.Resize(ref _left, Math.Min(Count * 2, _capacity));
                Array.Resize(ref _right, _left.Length);
            }
            Array.Copy(_left, i, _left, i + 1, Count - i);
            Array.Copy(_right, i, _right, i + 1, Count - i);
            Count++;
        }
        else if (removed > 1)
        {
            Array.Copy(_left, j, _left, i + 1, Count - j);
            Array.Copy(_right, j, _right, i + 1, Count - j);
            Count -= removed - 1;
        }
        _left[i] = left;
        _right[i] = right;
    }

    /// <summary>Forgets everything below <paramref name="una"/> (cumulatively acknowledged now).</summary>
    public void DropBelow(SeqNum una)
    {
        int k = 0;
        while (k < Count && _right[k] <= una)
            k++;
        if (k > 0)
        {
            Array.Copy(_left, k, _left, 0, Count - k);
            Array.Copy(_right, k, _right, 0, Count - k);
            Count -= k;
        }
        if (Count > 0 && _left[0] < una)
            _left[0] = una;
    }

    /// <summary>SACKed bytes within [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public int SackedBetween(SeqNum from, SeqNum to)
    {
        int n = 0;
        for (int i = 0; i < Count; i++)
        {
            SeqNum l = SeqNum.Max(_left[i], from);
            SeqNum r = SeqNum.Min(_right[i], to);
            if (r > l)
                n += r - l;
        }
        return n;
    }

    /// <summary>
    /// The first hole at or after <paramref name="from"/>: unSACKed bytes below the highest SACKed byte, which RFC 6675
    /// would call lost (see <see cref="TcpConnection"/> for the simplification). False when there is none.
    /// </summary>
    public bool NextHole(SeqNum from, out SeqNum start, out int length)
    {
        start = from;
        length = 0;
        for (int i = 0; i < Count; i++)
        {
            if (_right[i] <= start)
                continue;
            if (_left[i] <= start)
            {
                start = _right[i];
                continue;
            }
            length = _left[i] - start;
            return true;
        }
        return false;
    }

    /// <summary>
    /// RFC 6675 §4 IsLost(<paramref name="seq"/>): at least <paramref name="dupThresh"/> discontiguous SACKed ranges lie
    /// above it, or more than (DupThresh − 1)·SMSS SACKed bytes do.
    /// </summary>
    public readonly bool IsLost(SeqNum seq, int dupThresh, int smss)
    {
        int ranges = 0;
        int bytes = 0;
        for (int i = Count - 1; i >= 0 && _right[i] > seq; i--)
        {
            ranges++;
            bytes += _right[i] - SeqNum.Max(_left[i], seq);
            if (ranges >= dupThresh || bytes > (dupThresh - 1) * smss)
                return true;
        }
        return false;
    }

    /// <summary><paramref name="seq"/>, or the right edge of the SACKed range holding it.</summary>
    public readonly SeqNum SkipSacked(SeqNum seq)
    {
        for (int i = 0; i < Count; i++)
        {
            if (_left[i] <= seq && seq < _right[i])
                return _right[i];
        }
        return seq;
    }

    /// <summary>Bytes from <paramref name="seq"/> up to the next SACKed range (or <paramref name="limit"/>).</summary>
    public int UnsackedRun(SeqNum seq, SeqNum limit)
    {
        for (int i = 0; i < Count; i++)
        {
            if (_left[i] > seq)
                return SeqNum.Min(_left[i], limit) - seq;
        }
        return Math.Max(limit - seq, 0);
    }
}
