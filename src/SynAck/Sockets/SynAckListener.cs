using System.Net;
using SynAck.Time;

namespace SynAck.Sockets;

/// <summary>
/// A port a <see cref="SynAckHost"/> listens on (passive open). The stack completes handshakes on its own and queues
/// them; <see cref="AcceptAsync"/> takes the oldest. Disposing stops listening and resets connections not yet accepted.
/// </summary>
public sealed class SynAckListener : IAsyncDisposable, IDisposable
{
    // Loop-owned.
    private readonly Queue<AcceptWaiter> _waiters = new();
    private readonly Queue<SynAckConnection> _unclaimed = new();
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

    internal void AddWaiter(AcceptWaiter waiter)
    {
        if (_stopped is not null)
        {
            waiter.Completion.TrySetException(_stopped);
            return;
        }
        while (_unclaimed.TryPeek(out var c))
        {
            if (!waiter.TryComplete(c))
                return;
            _unclaimed.Dequeue();
            return;
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
        _unclaimed.Enqueue(connection);
    }

    internal void StopOnLoop(Instant now, Exception reason)
    {
        _stopped = reason;
        Volatile.Write(ref _disposed, 1);
        Host.Stack.StopListening(Port, now);
        while (_waiters.TryDequeue(out var w))
            w.Completion.TrySetException(reason);
        while (_unclaimed.TryDequeue(out var c))
            Host.AbortOnLoop(c, now);
    }
}
