using SynAck.Tcp;

namespace SynAck.Sockets;

/// <summary>Counts retransmissions per connection for <see cref="SynAckConnection.Retransmissions"/>; runs on the loop.</summary>
internal sealed class RetransmissionCounter(SynAckHost host) : ITcpObserver
{
    public void OnEvent(in TcpEvent e)
    {
        if (e.Kind == TcpEventKind.Retransmitted)
            host.CountRetransmission(e.Connection);
    }
}
