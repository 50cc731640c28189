using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>The header of a segment sent or received, as events report it (no payload bytes).</summary>
public readonly record struct TcpSegmentSummary(TcpFlags Flags, SeqNum Seq, SeqNum Ack, ushort Window, int PayloadLength, TcpOptions Options)
{
    /// <summary>RFC 9293's SEG.LEN: payload plus one for SYN and one for FIN.</summary>
    public int SegmentLength => PayloadLength + ((Flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((Flags & TcpFlags.Fin) != 0 ? 1 : 0);
}
