using SynAck.Tcp;

namespace SynAck.Stack;

/// <summary>
/// The stack's connection timers: a binary min-heap of (deadline, connection) keyed by each connection's earliest
/// deadline, each connection knowing its own place in it (<see cref="TcpConnection.TimerIndex"/>). A deadline that
/// moves moves the entry, and a released connection leaves at once, so the heap holds no stale entry and nothing
/// keeps a closed connection reachable. Sixteen bytes per scheduled connection and none for an idle one; nothing is
/// allocated once the array has grown to the working size.
/// </summary>
internal sealed class ConnectionTimerHeap
{
    private TimerHeapEntry[] _heap = new TimerHeapEntry[16];

    public int Count { get; private set; }

    public bool TryPeek(out TcpConnection connection, out long deadline)
    {
        if (Count == 0)
        {
            connection = null!;
            deadline = long.MaxValue;
            return false;
        }
        connection = _heap[0].Connection;
        deadline = _heap[0].Deadline;
        return true;
    }

    /// <summary>Files <paramref name="c"/> at <paramref name="deadline"/> (nanoseconds); <see cref="long.MaxValue"/> removes it.</summary>
    public void Set(TcpConnection c, long deadline)
    {
        if (deadline == long.MaxValue)
        {
            Remove(c);
            return;
        }
        int i = c.TimerIndex;
        if (i < 0)
        {
            if (Count == _heap.Length)
                Array.Resize(ref _heap, _heap.Length * 2);
            i = Count++;
            Up(i, new TimerHeapEntry(c, deadline));
            return;
        }
        long old = _heap[i].Deadline;
        if (deadline < old)
            Up(i, new TimerHeapEntry(c, deadline));
        else if (deadline > old)
            Down(i, new TimerHeapEntry(c, deadline));
    }

    public void Remove(TcpConnection c)
    {
        int i = c.TimerIndex;
        if (i < 0)
            return;
        c.TimerIndex = -1;
        int last = --Count;
        var moved = _heap[last];
        _heap[last] = default;
        if (i == last)
            return;
        // The last entry fills the hole and goes whichever way its key demands.
        if (i > 0 && moved.Deadline < _heap[(i - 1) >> 1].Deadline)
            Up(i, moved);
        else
            Down(i, moved);
    }

    /// <summary>Puts <paramref name="e"/> at hole <paramref name="i"/> or above it.</summary>
    private void Up(int i, TimerHeapEntry e)
    {
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (_heap[parent].Deadline <= e.Deadline)
                break;
            Place(i, _heap[parent]);
            i = parent;
        }
        Place(i, e);
    }

    /// <summary>Puts <paramref name="e"/> at hole <paramref name="i"/> or below it.</summary>
    private void Down(int i, TimerHeapEntry e)
    {
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= Count)
                break;
            if (child + 1 < Count && _heap[child + 1].Deadline < _heap[child].Deadline)
                child++;
            if (_heap[child].Deadline >= e.Deadline)
                break;
            Place(i, _heap[child]);
            i = child;
        }
        Place(i, e);
    }

    private void Place(int i, TimerHeapEntry e)
    {
        _heap[i] = e;
        e.Connection.TimerIndex = i;
    }
}
