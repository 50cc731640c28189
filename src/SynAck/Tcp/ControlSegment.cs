using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// A segment owed by no live connection: a RST for a segment to nowhere (RFC 9293 §3.10.7.1), the RST of an
/// ABORT, an ACK from TIME-WAIT. Queued during Deliver and sent at the next Poll.
/// </summary>
internal struct ControlSegment
{
    public ConnectionId Id;
    public SeqNum Seq;
    public SeqNum Ack;
    public TcpFlags Flags;
    public ushort Window;

    /// <summary>The segment carries a timestamps option (RFC 7323 §3.2: every non-RST segment does once negotiated).</summary>
    public bool HasTimestamps;
    public uint TsVal;
    public uint TsEcr;
}
