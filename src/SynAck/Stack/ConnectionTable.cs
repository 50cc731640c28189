using SynAck.Tcp;

namespace SynAck.Stack;

/// <summary>
/// The 4-tuple → connection table: open addressing with linear probing over a power-of-two array of connection
/// references (each connection carries its own <see cref="TcpConnection.Id"/>), at most three quarters full.
/// Eight bytes a slot, where a <c>Dictionary</c> entry would copy the 56-byte key; removal shifts the probe run back
/// (no tombstones), so churn never degrades lookups.
/// </summary>
internal sealed class ConnectionTable
{
    private TcpConnection?[] _slots = new TcpConnection?[16];
    private int _mask = 15;
    private int _shift = 28;

    public int Count { get; private set; }

    public bool TryGetValue(in ConnectionId id, out TcpConnection connection)
    {
        for (int i = Home(id); ; i = (i + 1) & _mask)
        {
            var c = _slots[i];
            if (c is null)
            {
                connection = null!;
                return false;
            }
            if (c.Id == id)
            {
                connection = c;
                return true;
            }
        }
    }

    public bool ContainsKey(in ConnectionId id) => TryGetValue(id, out _);

    /// <summary>Adds a connection whose 4-tuple is not in the table.</summary>
    public void Add(TcpConnection c)
    {
        if ((Count + 1) * 4 > _slots.Length * 3)
            Grow();
        Insert(_slots, _mask, _shift, c);
        Count++;
    }

    public bool Remove(in ConnectionId id)
    {
        int i = Home(id);
        while (true)
        {
            var c = _slots[i];
            if (c is null)
                return false;
            if (c.Id == id)
                break;
            i = (i + 1) & _mask;
        }
        // Backward-shift deletion: pull later members of the probe run into the hole when their home allows it.
        int hole = i;
        for (int j = (i + 1) & _mask; ; j = (j + 1) & _mask)
        {
            var c = _slots[j];
            if (c is null)
                break;
            int home = Home(c.Id);
            // c may fill the hole when its home does not lie cyclically in (hole, j].
            if (((j - home) & _mask) >= ((j - hole) & _mask))
            {
                _slots[hole] = c;
                hole = j;
            }
        }
        _slots[hole] = null;
        Count--;
        return true;
    }

    /// <summary>Every connection held (a snapshot, for rare whole-table work such as closing a listener).</summary>
    public List<TcpConnection> Snapshot()
    {
        var all = new List<TcpConnection>(Count);
        foreach (var c in _slots)
        {
            if (c is not null)
                all.Add(c);
        }
        return all;
    }

    private int Home(in ConnectionId id) => Spread(id.GetHashCode(), _shift);

    // Fibonacci hashing: the multiply mixes every bit of the hash into the high bits the shift keeps.
    private static int Spread(int hash, int shift) => (int)(((uint)hash * 0x9E3779B9u) >> shift);

    private void Grow()
    {
        var bigger = new TcpConnection?[_slots.Length * 2];
        int mask = bigger.Length - 1;
        int shift = _shift - 1;
        foreach (var c in _slots)
        {
            if (c is not null)
                Insert(bigger, mask, shift, c);
        }
        _slots = bigger;
        _mask = mask;
        _shift = shift;
    }

    private static void Insert(TcpConnection?[] slots, int mask, int shift, TcpConnection c)
    {
        int i = Spread(c.Id.GetHashCode(), shift);
        while (slots[i] is not null)
            i = (i + 1) & mask;
        slots[i] = c;
    }
}
