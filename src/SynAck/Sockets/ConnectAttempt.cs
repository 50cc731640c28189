using SynAck.Stack;
using SynAck.Wire;

namespace SynAck.Sockets;

/// <summary>One <see cref="SynAckHost.ConnectAsync"/> in flight; the loop owns <see cref="Handle"/>.</summary>
internal sealed class ConnectAttempt(SynAckHost host, IpAddress remote, ushort remotePort, CancellationToken token)
{
    private CancellationTokenRegistration _registration;

    public TaskCompletionSource<SynAckConnection> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IpAddress Remote { get; } = remote;

    public ushort RemotePort { get; } = remotePort;

    public CancellationToken Token { get; } = token;

    public TcpHandle Handle { get; set; }

    /// <summary>Called on the loop once the SYN is queued: a cancellation aborts the attempt there.</summary>
    public void ListenForCancellation()
    {
        if (Token.CanBeCanceled)
            _registration = Token.UnsafeRegister(static s => ((ConnectAttempt)s!).OnCanceled(), this);
    }

    private void OnCanceled() => host.Post(new HostCommand(HostCommandKind.CancelConnect, this));

    public void DisposeRegistration() => _registration.Unregister();
}
