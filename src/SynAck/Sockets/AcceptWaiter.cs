namespace SynAck.Sockets;

/// <summary>One <see cref="SynAckListener.AcceptAsync"/> waiting for a connection.</summary>
internal sealed class AcceptWaiter
{
    private readonly CancellationTokenRegistration _registration;

    public AcceptWaiter(SynAckListener listener, CancellationToken token)
    {
        Listener = listener;
        // Completing the task from the cancelling thread is safe: the loop hands a connection only to a waiter whose
        // TrySetResult succeeds, and keeps it for the next waiter otherwise.
        if (token.CanBeCanceled)
            _registration = token.UnsafeRegister(static (s, t) => ((AcceptWaiter)s!).Completion.TrySetCanceled(t), this);
    }

    public SynAckListener Listener { get; }

    public TaskCompletionSource<SynAckConnection> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool TryComplete(SynAckConnection connection)
    {
        if (!Completion.TrySetResult(connection))
            return false;
        _registration.Unregister();
        return true;
    }
}
