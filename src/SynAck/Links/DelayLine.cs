using System.Buffers;

namespace SynAck.Links;

/// <summary>
/// Packets held until a due time (a <see cref="TimeProvider"/> timestamp); equal due times
/// leave in the order they arrived. Bounded; buffers come from the shared array pool.
/// </summary>
internal sealed class DelayLine(int capacity)
{
    private readonly PriorityQueue<(byte[] Buffer, int Length), (long Due, long Order)> _queue = new();
    private long _order;

    public int Count => _queue.Count;

    /// <summary>The earliest due time, or <see cref="long.MaxValue"/> when nothing is held.</summary>
    public long NextDue => _queue.TryPeek(out _, out var key) ? key.Due : long.MaxValue;

    /// <summary>Holds a copy of <paramref name="packet"/>; false when the line is full.</summary>
    public bool TryAdd(ReadOnlySpan<byte> packet, long due)
    {
        if (_queue.Count >= capacity)
            return false;
        var buffer = ArrayPool<byte>.Shared.Rent(packet.Length);
        packet.CopyTo(buffer);
        _queue.Enqueue((buffer, packet.Length), (due, _order++));
        return true;
    }

    /// <summary>Takes the earliest packet if it is due at <paramref name="now"/>; give the buffer back with <see cref="Release"/>.</summary>
    public bool TryTakeDue(long now, out byte[] buffer, out int length)
    {
        if (_queue.TryPeek(out var held, out var key) && key.Due <= now)
        {
            _queue.Dequeue();
            (buffer, length) = held;
            return true;
        }
        buffer = [];
        length = 0;
        return false;
    }

    public static void Release(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);

    public void Clear()
    {
        while (_queue.TryDequeue(out var held, out _))
            Release(held.Buffer);
    }
}
