using SynAck.Tcp;

namespace SynAck.Stack;

/// <summary>
/// Handle → connection for the handles the application holds: open addressing with linear probing over a
/// power-of-two array of connection references keyed by <see cref="TcpConnection.Handle"/>, removal by backward
/// shift. Handles are handed out in sequence, so the home slot is the handle's low bits: consecutive handles take
/// consecutive slots and collide only once the numbers wrap round the table, which lets it run seven eighths full.
/// Eight bytes a slot, a third of a <c>Dictionary&lt;int, …&gt;</c> entry.
/// </summary>
internal sealed class HandleTable
{
    private TcpConnection?[] _slots = new TcpConnection?[16];
    private int _mask = 15;

    public int Count { get; private set; }

    public bool TryGetValue(int handle, out TcpConnection connection)
    {
        for (int i = Home(handle); ; i = (i + 1) & _mask)
        {
            var c = _slots[i];
            if (c is null || c.Handle == handle)
            {
                connection = c!;
                return c is not null;
            }
        }
    }

    /// <summary>Adds a connection under its <see cref="TcpConnection.Handle"/>, which is not in the table.</summary>
    public void Add(TcpConnection c)
    {
        if ((Count + 1) * 8 > _slots.Length * 7)
        {
            var old = _slots;
            _slots = new TcpConnection?[old.Length * 2];
            _mask = _slots.Length - 1;
            foreach (var o in old)
            {
                if (o is not null)
                    Insert(o);
            }
        }
        Insert(c);
        Count++;
    }

    public bool Remove(int handle)
    {
        int i = Home(handle);
        while (true)
        {
            var c = _slots[i];
            if (c is null)
                return false;
            if (c.Handle == handle)
                break;
            i = (i + 1) & _mask;
        }
        // Backward-shift deletion: pull later members of the probe run into the hole when their home allows it.
        int hole = i;
        for (int j = (i + 1) & _mask; _slots[j] is { } c; j = (j + 1) & _mask)
        {
            int home = Home(c.Handle);
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

    private int Home(int handle) => handle & _mask;

    private void Insert(TcpConnection c)
    {
        int i = Home(c.Handle);
        while (_slots[i] is not null)
            i = (i + 1) & _mask;
        _slots[i] = c;
    }
}
