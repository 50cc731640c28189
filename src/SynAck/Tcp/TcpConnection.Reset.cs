using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>The RSTs a connection sends of its own accord (abort, close with unread data, giving up).</summary>
internal sealed partial class TcpConnection
{
    /// <summary>Queues a RST for this connection; with timestamps agreed it carries TSopt (RFC 7323 §3.2: "SHOULD be
    /// sent in an &lt;RST&gt; segment"), TSval from our clock and TSecr = TS.Recent, as Linux sends it.</summary>
    private void QueueReset(SeqNum seq, SeqNum ack, TcpFlags flags, Instant now)
    {
        if (TimestampsOk)
            _stack.QueueTimestampedControl(Id, seq, ack, flags, TsVal(now), TsRecent);
        else
            _stack.QueueControl(Id, seq, ack, flags);
    }
}
