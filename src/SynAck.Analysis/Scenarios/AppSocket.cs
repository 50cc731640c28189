using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Analysis.Scenarios;

/// <summary>
/// The application's end of one connection in a scenario: the handle, every byte the application wrote and
/// read, and the peer socket on the other host (the same connection seen from there), found when it opens.
/// </summary>
internal sealed class AppSocket
{
    public AppSocket(string side, NetStack stack, TcpHandle handle, Instant openedAt)
    {
        Side = side;
        Stack = stack;
        Handle = handle;
        Id = stack.GetConnectionId(handle);
        OpenedAt = openedAt;
    }

    public string Side { get; }

    public NetStack Stack { get; }

    public TcpHandle Handle { get; }

    public ConnectionId Id { get; }

    public Instant OpenedAt { get; }

    public List<byte> Sent { get; } = [];

    public List<byte> Received { get; } = [];

    public AppSocket? Peer { get; set; }

    /// <summary>The application closed or aborted the handle; the stack may still be finishing the connection.</summary>
    public bool Released { get; set; }

    /// <summary>The host crashed: the handle belongs to a stack that no longer runs.</summary>
    public bool Dead { get; set; }

    /// <summary>The peer's FIN arrived and every byte before it has been read.</summary>
    public bool EndOfStream { get; set; }

    public TcpState State => Released || Dead ? TcpState.Closed : Stack.State(Handle);

    public TcpError Error => Released || Dead ? TcpError.None : Stack.Error(Handle);
}
