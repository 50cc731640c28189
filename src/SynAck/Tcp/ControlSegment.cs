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

    /// <summary>An MSS option to carry (0: none) — only a SYN cookie's SYN-ACK has one.</summary>
    public ushort Mss;

    /// <summary>A window scale option to carry (a SYN cookie's SYN-ACK in answer to one, RFC 7323 §2.2).</summary>
    public bool HasWindowScale;
    public byte WindowScale;

    /// <summary>SACK-permitted to carry (a SYN cookie's SYN-ACK in answer to one, RFC 2018 §2).</summary>
    public bool SackPermitted;

    /// <summary>The segment carries a timestamps option (RFC 7323 §3.2: every non-RST segment does once negotiated).</summary>
    public bool HasTimestamps;
    public uint TsVal;
    public uint TsEcr;
}
