using SynAck.Tcp.Recovery;

namespace SynAck.Tcp;

/// <summary>
/// Where the recovery state of <see cref="RecoveryState"/> lives. The members of <c>.Rack</c>, <c>.Dsack</c> and
/// <c>.Undo</c> that read like fields are properties over it: read before it is made they give the initial values,
/// and writing an initial value into a state not yet made (the resets that run on every ACK) makes nothing.
/// </summary>
internal sealed partial class TcpConnection
{
    private RecoveryState? _recovery;

    private RecoveryState Recovery => _recovery ??= new RecoveryState();
}
