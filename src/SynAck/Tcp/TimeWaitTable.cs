using SynAck.Time;

namespace SynAck.Tcp;

/// <summary>
/// The TIME-WAIT table: compact entries keyed by 4-tuple, apart from full connections, expiring from a
/// <see cref="TimerWheel"/>. Slots are reused through a free list, so a busy server's churn allocates nothing
/// once the table has grown to its working size; <see cref="Capacity"/> bounds it.
/// </summary>
internal sealed class TimeWaitTable
{
    private readonly Dictionary<ConnectionId, int> _index = [];
    private readonly TimerWheel _wheel;
    private TimeWaitEntry[] _entries = new TimeWaitEntry[16];
    private readonly Stack<int> _free = new();
    private int _used;

    public TimeWaitTable(int capacity)
    {
        Capacity = capacity;
        // 10 ms ticks over 8,192 slots: one revolution covers 2MSL for MSL up to 40 s without a second pass.
        _wheel = new TimerWheel(Duration.FromMilliseconds(10), 8192);
    }

    public int Capacity { get; }

    public int Count => _index.Count;

    public Instant NextDeadline => _wheel.NextDeadline;

    public bool Contains(in ConnectionId id) => _index.ContainsKey(id);

    public bool TryGet(in ConnectionId id, out int slot) => _index.TryGetValue(id, out slot);

    public ref TimeWaitEntry this[int slot] => ref _entries[slot];

    /// <summary>Adds an entry; false when the table is full.</summary>
    public bool TryAdd(in TimeWaitEntry entry)
    {
        if (_index.Count >= Capacity || _index.ContainsKey(entry.Id))
            return false;
        int slot;
        if (_free.Count > 0)
        {
            slot = _free.Pop();
        }
        else
        {
            if (_used == _entries.Length)
                Array.Resize(ref _entries, _entries.Length * 2);
            slot = _used++;
        }
        _entries[slot] = entry;
        _entries[slot].InUse = true;
        _index.Add(entry.Id, slot);
        _wheel.Schedule(slot, entry.Expiry);
        return true;
    }

    /// <summary>Restarts the 2MSL wait (a retransmitted FIN was re-acknowledged).</summary>
    public void Restart(int slot, Instant expiry)
    {
        _entries[slot].Expiry = expiry;
        _wheel.Schedule(slot, expiry);
    }

    public void Remove(int slot)
    {
        ref var e = ref _entries[slot];
        if (!e.InUse)
            return;
        _wheel.Cancel(slot);
        _index.Remove(e.Id);
        e.InUse = false;
        _free.Push(slot);
    }

    /// <summary>Takes one entry whose 2MSL has passed; the caller reports it and then calls <see cref="Remove"/>.</summary>
    public bool TryExpire(Instant now, out int slot) => _wheel.TryPopExpired(now, out slot);
}
