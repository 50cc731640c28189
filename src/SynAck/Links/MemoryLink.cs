namespace SynAck.Links;

/// <summary>
/// One end of a <see cref="MemoryLinkPair"/>: what it sends arrives at the other end, in order,
/// unless the other end's bounded queue is full (then <see cref="TrySend"/> returns false).
/// </summary>
public sealed class MemoryLink : ILink
{
    private readonly PacketRing _inbound;
    private readonly WakeSignal _signal = new();
    private MemoryLink? _peer;
    private volatile bool _disposed;

    internal MemoryLink(string name, int mtu, int capacity)
    {
        Name = name;
        Mtu = mtu;
        _inbound = new PacketRing(capacity, mtu);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Mtu { get; }

    /// <inheritdoc/>
    public LinkCounters Counters { get; } = new();

    /// <summary>Packets waiting to be received at this end.</summary>
    public int PendingCount => _inbound.Count;

    /// <summary>How many packets may wait at this end before the other end's sends are refused.</summary>
    public int Capacity => _inbound.Capacity;

    internal void Attach(MemoryLink peer) => _peer = peer;

    /// <inheritdoc/>
    public bool TryReceive(Span<byte> buffer, out int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.Length < Mtu)
            throw new ArgumentException($"the buffer holds {buffer.Length} bytes, less than the MTU {Mtu}", nameof(buffer));
        if (!_inbound.TryDequeue(buffer, out length))
            return false;
        Counters.OnReceived(length);
        return true;
    }

    /// <inheritdoc/>
    public bool TrySend(ReadOnlySpan<byte> packet)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var peer = _peer;
        if (packet.IsEmpty || packet.Length > Mtu || peer is null || !peer.Enqueue(packet))
        {
            Counters.OnSendRefused();
            return false;
        }
        Counters.OnSent(packet.Length);
        return true;
    }

    /// <inheritdoc/>
    public LinkWaitResult Wait(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var ms = WaitTimeout.ToMilliseconds(timeout);
        cancellationToken.ThrowIfCancellationRequested();
        // Reset before looking: a Set that lands after the reset ends the wait below, and one
        // that landed before it published its flag or packet before setting, so we see it here.
        if (_signal.ResetAndTakeWake())
            return LinkWaitResult.Woken;
        if (_inbound.Count > 0)
            return LinkWaitResult.Readable;
        if (!_signal.Wait(ms, cancellationToken))
            return LinkWaitResult.TimedOut;
        if (_signal.TakeWake())
            return LinkWaitResult.Woken;
        // The other signal source is a packet; after a dispose there is nothing, and Woken says "look again".
        return _inbound.Count > 0 ? LinkWaitResult.Readable : LinkWaitResult.Woken;
    }

    /// <inheritdoc/>
    public void Wake()
    {
        if (_disposed)
            return;
        _signal.Wake();
    }

    /// <summary>Closes this end; the other end's sends are refused from now on.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _signal.Set();
    }

    private bool Enqueue(ReadOnlySpan<byte> packet)
    {
        if (_disposed || !_inbound.TryEnqueue(packet))
            return false;
        _signal.Set();
        return true;
    }

}
