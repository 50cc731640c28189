namespace SynAck.Stack.Ip;

/// <summary>
/// ICMP messages built by <see cref="NetStack.Deliver"/> that leave at the next <see cref="NetStack.Poll"/>: a ring of
/// whole IP packets. Slots are allocated on first use and grow to the largest packet they held, so a stack that never
/// sees ICMP allocates nothing and one that does reuses its slots.
/// </summary>
internal sealed class IcmpOutQueue
{
    private readonly byte[]?[] _slots;
    private readonly int[] _lengths;
    private int _head;
    private int _count;

    public IcmpOutQueue(int capacity)
    {
        _slots = new byte[capacity][];
        _lengths = new int[capacity];
    }

    public int Count => _count;

    /// <summary>Space for one packet of <paramref name="length"/> bytes at the tail; false when the ring is full.</summary>
    public bool TryReserve(int length, out Span<byte> packet)
    {
        packet = default;
        if (_count == _slots.Length)
            return false;
        int i = (_head + _count) % _slots.Length;
        if (_slots[i] is not { } buffer || buffer.Length < length)
            _slots[i] = buffer = new byte[Math.Max(length, 1024)];
        _lengths[i] = length;
        packet = buffer.AsSpan(0, length);
        return true;
    }

    /// <summary>Makes the packet last reserved part of the queue.</summary>
    public void Commit() => _count++;

    /// <summary>The packet at the head; valid until the next <see cref="TryReserve"/>.</summary>
    public bool TryDequeue(out ReadOnlySpan<byte> packet)
    {
        packet = default;
        if (_count == 0)
            return false;
        packet = _slots[_head].AsSpan(0, _lengths[_head]);
        _head = (_head + 1) % _slots.Length;
        _count--;
        return true;
    }
}
