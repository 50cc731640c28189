using System.Threading.Tasks.Sources;

namespace SynAck.Sockets;

/// <summary>
/// One reusable read or write of a <see cref="SynAckConnection"/>: the user thread starts it, the event loop
/// completes it. Reused for every call, so a steady stream of reads or writes allocates nothing.
/// </summary>
internal sealed class StreamOperation : IValueTaskSource<int>, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<int> _core = new() { RunContinuationsAsynchronously = true };
    private int _busy;

    public StreamOperation(SynAckConnection owner, bool isRead)
    {
        Owner = owner;
        IsRead = isRead;
    }

    public SynAckConnection Owner { get; }

    public bool IsRead { get; }

    /// <summary>Where a read copies to.</summary>
    public Memory<byte> Buffer { get; set; }

    /// <summary>What a write still has to queue.</summary>
    public ReadOnlyMemory<byte> Data { get; set; }

    /// <summary>Bytes a write has queued so far.</summary>
    public int Done { get; set; }

    public CancellationToken Token { get; private set; }

    /// <summary>True on the loop between taking the operation and completing it.</summary>
    public bool Active { get; set; }

    public short Version => _core.Version;

    private CancellationTokenRegistration _registration;

    /// <summary>Claims the operation for one call; false when one is already running.</summary>
    public bool TryStart() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    /// <summary>Undoes <see cref="TryStart"/> when the call fails before it was posted.</summary>
    public void Release() => Volatile.Write(ref _busy, 0);

    public void Register(CancellationToken token)
    {
        Token = token;
        _registration = token.CanBeCanceled
            ? token.UnsafeRegister(static (s, _) => ((StreamOperation)s!).OnCanceled(), this)
            : default;
    }

    private void OnCanceled()
        => Owner.Host.Post(new HostCommand(IsRead ? HostCommandKind.CancelRead : HostCommandKind.CancelWrite, this, Version));

    public void Complete(int result)
    {
        Active = false;
        Buffer = default;
        Data = default;
        _registration.Unregister();
        _core.SetResult(result);
    }

    public void Fail(Exception e)
    {
        Active = false;
        Buffer = default;
        Data = default;
        _registration.Unregister();
        _core.SetException(e);
    }

    public ValueTask<int> AsValueTaskOfInt() => new(this, _core.Version);

    public ValueTask AsValueTask() => new(this, _core.Version);

    public int GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            Volatile.Write(ref _busy, 0);
        }
    }

    void IValueTaskSource.GetResult(short token) => GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
