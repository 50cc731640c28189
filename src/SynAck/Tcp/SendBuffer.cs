namespace SynAck.Tcp;

/// <summary>
/// A fixed-capacity byte ring holding the send side's bytes from SND.UNA on: sent-but-unacknowledged first,
/// then not yet sent. Acknowledged bytes leave from the front; the application appends at the back.
/// </summary>
internal sealed class SendBuffer
{
    private readonly byte[] _ring;
    private int _head;

    public SendBuffer(int capacity) => _ring = new byte[Math.Max(1, capacity)];

    public int Capacity => _ring.Length;

    public int Count { get; private set; }

    public int Free => _ring.Length - Count;

    /// <summary>Appends as much of <paramref name="data"/> as fits; returns how much.</summary>
    public int Append(ReadOnlySpan<byte> data)
    {
        int n = Math.Min(data.Length, Free);
        int tail = (_head + Count) % _ring.Length;
        int first = Math.Min(n, _ring.Length - tail);
        data[..first].CopyTo(_ring.AsSpan(tail));
        data[first..n].CopyTo(_ring);
        Count += n;
        return n;
    }

    /// <summary>Copies <paramref name="destination"/>.Length bytes starting <paramref name="offset"/> bytes after the front.</summary>
    public void CopyTo(int offset, Span<byte> destination)
    {
        int start = (_head + offset) % _ring.Length;
        int first = Math.Min(destination.Length, _ring.Length - start);
        _ring.AsSpan(start, first).CopyTo(destination);
        _ring.AsSpan(0, destination.Length - first).CopyTo(destination[first..]);
    }

    /// <summary>Drops <paramref name="count"/> acknowledged bytes from the front.</summary>
    public void Consume(int count)
    {
        count = Math.Clamp(count, 0, Count);
        _head = (_head + count) % _ring.Length;
        Count -= count;
        if (Count == 0)
            _head = 0;
    }
}
