namespace SynAck.Tcp;

/// <summary>A bounded FIFO ring of <see cref="ControlSegment"/>; when full, new ones are dropped (they are all repeatable).</summary>
internal sealed class ControlQueue
{
    private readonly ControlSegment[] _ring;
    private int _head;

    public ControlQueue(int capacity) => _ring = new ControlSegment[capacity];

    public int Count { get; private set; }

    public bool TryEnqueue(in ControlSegment s)
    {
        if (Count == _ring.Length)
            return false;
        _ring[(_head + Count) % _ring.Length] = s;
        Count++;
        return true;
    }

    public bool TryDequeue(out ControlSegment s)
    {
        if (Count == 0)
        {
            s = default;
            return false;
        }
        s = _ring[_head];
        _head = (_head + 1) % _ring.Length;
        Count--;
        return true;
    }
}
