namespace SynAck.Time;

/// <summary>
/// A hashed timing wheel (Varghese and Lauck, 1987) over small integer ids chosen by the owner. Scheduling and
/// cancelling are O(1); expiry walks the slots between the last poll and now, at most one revolution; an entry
/// fires only once its exact deadline has passed, so the wheel's tick size never changes when a timer fires.
/// Memory is two slot arrays plus sixteen bytes per id (deadline and the two links of the slot's list; the head of
/// a list keeps its slot number in its back link, the tail in its forward link), reused: nothing is allocated per
/// timer once ids are sized. Entries join their slot's list at the tail, so while deadlines are scheduled in
/// non-decreasing order (TIME-WAIT's now + 2MSL with a clock that does not go back) every list is sorted and expiry
/// looks only at list heads: O(1) per entry popped or per slot passed, however full the slot.
/// </summary>
internal sealed class TimerWheel
{
    private const int None = -1;

    /// <summary>Back link of an id that is not scheduled. A list head's back link is −(slot + 2), a tail's forward link too.</summary>
    private const int Unscheduled = int.MinValue;

    private readonly long _tick;
    private readonly int _mask;
    private readonly int[] _heads;
    private readonly int[] _tails;
    private long[] _deadline = [];
    private int[] _next = [];
    private int[] _prev = [];
    private long _cursor;
    private bool _cursorSet;
    private long _lastScheduled = long.MinValue;
    private bool _sorted = true;
    private Instant _cachedNext = Instant.MaxValue;
    private bool _cacheValid = true;

    /// <param name="tick">Width of one slot.</param>
    /// <param name="slotCountPowerOfTwo">Number of slots; rounded up to a power of two.</param>
    public TimerWheel(Duration tick, int slotCountPowerOfTwo)
    {
        _tick = Math.Max(1, tick.Nanoseconds);
        int slots = 1;
        while (slots < slotCountPowerOfTwo)
            slots <<= 1;
        _mask = slots - 1;
        _heads = new int[slots];
        _tails = new int[slots];
        Array.Fill(_heads, None);
        Array.Fill(_tails, None);
    }

    public int Count { get; private set; }

    public bool IsScheduled(int id) => id < _prev.Length && _prev[id] != Unscheduled;

    public Instant DeadlineOf(int id) => new(_deadline[id]);

    /// <summary>Schedules (or reschedules) <paramref name="id"/> to fire at <paramref name="deadline"/>.</summary>
    public void Schedule(int id, Instant deadline)
    {
        EnsureCapacity(id + 1);
        if (_prev[id] != Unscheduled)
            Unlink(id);
        long t = deadline.Nanoseconds / _tick;
        // Every entry's tick stays at or after the cursor: a deadline behind it moves the cursor back (the slots
        // between then hold only later revolutions, which the exact deadline check skips).
        if (!_cursorSet || t < _cursor)
        {
            _cursor = t;
            _cursorSet = true;
        }
        if (deadline.Nanoseconds < _lastScheduled)
            _sorted = false;
        _lastScheduled = Math.Max(_lastScheduled, deadline.Nanoseconds);
        int slot = (int)(t & _mask);
        _deadline[id] = deadline.Nanoseconds;
        int tail = _tails[slot];
        _next[id] = -(slot + 2);
        if (tail == None)
        {
            _prev[id] = -(slot + 2);
            _heads[slot] = id;
        }
        else
        {
            _prev[id] = tail;
            _next[tail] = id;
        }
        _tails[slot] = id;
        Count++;
        if (_cacheValid && deadline < _cachedNext)
            _cachedNext = deadline;
    }

    public void Cancel(int id)
    {
        if (IsScheduled(id))
            Unlink(id);
    }

    /// <summary>Takes one entry whose deadline is at or before <paramref name="now"/>; false when none is left.</summary>
    public bool TryPopExpired(Instant now, out int id)
    {
        id = None;
        long nowTick = now.Nanoseconds / _tick;
        if (Count == 0)
        {
            _cursor = Math.Max(_cursor, nowTick);
            return false;
        }
        // Every entry's tick is at or after the cursor, so nothing is due before it.
        if (nowTick < _cursor)
            return false;
        // Slots more than one revolution behind hold nothing the last revolution's slots do not also cover.
        if (nowTick - _cursor > _mask)
            _cursor = nowTick - _mask;
        while (true)
        {
            int slot = (int)(_cursor & _mask);
            // A sorted list has its earliest deadline at the head; otherwise look through it.
            for (int e = _heads[slot]; e >= 0; e = _sorted ? None : _next[e])
            {
                if (_deadline[e] <= now.Nanoseconds)
                {
                    Unlink(e);
                    id = e;
                    return true;
                }
            }
            if (_cursor >= nowTick)
                return false;
            _cursor++;
        }
    }

    /// <summary>The earliest deadline held, or <see cref="Instant.MaxValue"/>; cached between changes.</summary>
    public Instant NextDeadline
    {
        get
        {
            if (_cacheValid)
                return _cachedNext;
            _cachedNext = ComputeNext();
            _cacheValid = true;
            return _cachedNext;
        }
    }

    private Instant ComputeNext()
    {
        if (Count == 0)
            return Instant.MaxValue;
        // Walk one revolution from the cursor: the first slot holding an entry due within its own tick holds the minimum.
        for (long t = _cursor; t <= _cursor + _mask; t++)
        {
            long limit = (t + 1) * _tick;
            long best = long.MaxValue;
            for (int e = _heads[(int)(t & _mask)]; e >= 0; e = _next[e])
            {
                if (_deadline[e] < limit && _deadline[e] < best)
                    best = _deadline[e];
            }
            if (best != long.MaxValue)
                return new Instant(best);
        }
        // Everything lies more than a revolution ahead: take the minimum the slow way.
        long min = long.MaxValue;
        for (int s = 0; s <= _mask; s++)
        {
            for (int e = _heads[s]; e >= 0; e = _next[e])
                min = Math.Min(min, _deadline[e]);
        }
        return new Instant(min);
    }

    private void Unlink(int id)
    {
        int prev = _prev[id];
        int next = _next[id];
        // Each neighbour takes over this entry's link: the other neighbour, or the slot mark of a head or tail.
        if (prev >= 0)
            _next[prev] = next;
        else
            _heads[-prev - 2] = next >= 0 ? next : None;
        if (next >= 0)
            _prev[next] = prev;
        else
            _tails[-next - 2] = prev >= 0 ? prev : None;
        _prev[id] = Unscheduled;
        Count--;
        _cacheValid = false;
    }

    private void EnsureCapacity(int n)
    {
        if (n <= _prev.Length)
            return;
        int size = Math.Max(n, Math.Max(16, _prev.Length * 2));
        int old = _prev.Length;
        Array.Resize(ref _deadline, size);
        Array.Resize(ref _next, size);
        Array.Resize(ref _prev, size);
        _prev.AsSpan(old).Fill(Unscheduled);
    }
}
