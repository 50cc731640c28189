namespace SynAck.Links;

/// <summary>
/// A bounded FIFO of packets, safe for one producer thread and one consumer thread. Each slot
/// is an MTU-sized array made on first use and reused after, so a steady flow allocates nothing.
/// </summary>
internal sealed class PacketRing
{
    private readonly Lock _lock = new();
    private readonly byte[]?[] _slots;
    private readonly int[] _lengths;
    private readonly int _slotSize;
    private int _head;
    private int _count;

    public PacketRing(int capacity, int slotSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slotSize);
        _slots = new byte[]?[capacity];
        _lengths = new int[capacity];
        _slotSize = slotSize;
    }

    public int Capacity => _slots.Length;

    public int Count
    {
        get
        {
            lock (_lock)
                return _count;
        }
    }

    /// <summary>Copies <paramref name="packet"/> in; false when the ring is full or the packet too long.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> packet)
    {
        if (packet.Length > _slotSize)
            return false;
        lock (_lock)
        {
            if (_count == _slots.Length)
                return false;
            var tail = (_head + _count) % _slots.Length;
            var slot = _slots[tail] ??= new byte[_slotSize];
            packet.CopyTo(slot);
            _lengths[tail] = packet.Length;
            _count++;
            return true;
        }
    }

    /// <summary>Copies the oldest packet into <paramref name="buffer"/> (long enough) and removes it.</summary>
    public bool TryDequeue(Span<byte> buffer, out int length)
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                length = 0;
                return false;
            }
            length = _lengths[_head];
            _slots[_head].AsSpan(0, length).CopyTo(buffer);
            _head = (_head + 1) % _slots.Length;
            _count--;
            return true;
        }
    }
}
