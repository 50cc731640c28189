using System.Net;
using SynAck.Time;

namespace SynAck.Sockets;

/// <summary>
/// A port a <see cref="SynAckHost"/> listens on (passive open). The stack completes handshakes on its own and queues
/// them; <see cref="AcceptAsync"/> takes the oldest. Disposing stops listening and resets connections not yet accepted.
/// </summary>
public sealed class SynAckListener : IAsyncDisposable, IDisposable
{
    /// <summary>
    /// Established connections the loop takes from the stack ahead of <see cref="AcceptAsync"/>, once the application
    /// has started accepting, so that an accept loop finds the next one at once instead of a round trip through the
    /// loop thread per connection (the kernel's accept queue, likewise, is read without waking anything). Beyond
    /// this many, connections wait in the stack's own accept queue, bounded by the listen backlog.
    /// </summary>
    internal const int ReadyLimit = 16;

    // Loop-owned.
    private readonly Queue<AcceptWaiter> _waiters = new();
    private bool _accepting;
    // Shared with application threads (AcceptAsync takes from it), under _sync.
    private readonly Queue<SynAckConnection> _unclaimed = new();
    private readonly Lock _sync = new();
    private Exception? _stopped;
    private int _disposed;

    internal SynAckListener(SynAckHost host, ushort port)
    {
        Host = host;
        Port = port;
        LocalEndPoint = new IPEndPoint(host.Address.ToIPAddress(), port);
    }

    /// <summary>The host this listener belongs to.</summary>
    public SynAckHost Host { get; }

    /// <summary>The port listened on.</summary>
    public ushort Port { get; }

    /// <summary>The local address and port.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Waits for the next established connection.</summary>
    /// <exception cref="ObjectDisposedException">The listener or its host was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<SynAckConnection> AcceptAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<SynAckConnection>(cancellationToken);
        if (Volatile.Read(ref _disposed) != 0)
            return ValueTask.FromException<SynAckConnection>(new ObjectDisposedException(nameof(SynAckListener)));
        lock (_sync)
        {
            if (_unclaimed.TryDequeue(out var ready))
                return new ValueTask<SynAckConnection>(ready);
        }
        var waiter = new AcceptWaiter(this, cancellationToken);
        Host.Post(new HostCommand(HostCommandKind.Accept, waiter));
        return new ValueTask<SynAckConnection>(waiter.Completion.Task);
    }

    /// <summary>Stops listening; connections not yet accepted are reset, pending accepts fail with <see cref="ObjectDisposedException"/>.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            Host.Post(new HostCommand(HostCommandKind.StopListening, this));
    }

    internal bool HasWaiters
    {
        get
        {
            while (_waiters.TryPeek(out var w) && w.Completion.Task.IsCompleted)
                _waiters.Dequeue();
            return _waiters.Count > 0;
        }
    }

    /// <summary>Connections taken from the stack and not yet accepted.</summary>
    internal int ReadyCount
    {
        get
        {
            lock (_sync)
                return _unclaimed.Count;
        }
    }

    /// <summary>Whether the loop should take another established connection from the stack for this listener.</summary>
    internal bool WantsConnection => HasWaiters || (_accepting && _stopped is null && ReadyCount < ReadyLimit);

    internal void AddWaiter(AcceptWaiter waiter)
    {
        if (_stopped is not null)
        {
            waiter.Completion.TrySetException(_stopped);
            return;
        }
        _accepting = true;
        lock (_sync)
        {
            if (_unclaimed.TryPeek(out var c))
            {
                if (waiter.TryComplete(c))
                    _unclaimed.Dequeue();
                return;
            }
        }
        _waiters.Enqueue(waiter);
    }

    /// <summary>Hands a freshly accepted connection to the oldest waiter still waiting, or keeps it for the next.</summary>
    internal void Offer(SynAckConnection connection)
    {
        while (_waiters.TryDequeue(out var w))
        {
            if (w.TryComplete(connection))
                return;
        }
        lock (_sync)
            _unclaimed.Enqueue(connection);
    }

    internal void StopOnLoop(Instant now, Exception reason)
    {
        _stopped = reason;
        Volatile.Write(ref _disposed, 1);
        Host.Stack.StopListening(Port, now);
        while (_waiters.TryDequeue(out var w))
            w.Completion.TrySetException(reason);
        List<SynAckConnection> unclaimed;
        lock (_sync)
        {
            unclaimed = [.. _unclaimed];
            _unclaimed.Clear();
        }
        foreach (var c in unclaimed)
            Host.AbortOnLoop(c, now);
    }
}
