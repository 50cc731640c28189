namespace SynAck.Analysis.Conversations;

/// <summary>
/// Wireshark's TCP sequence analysis verdicts (<c>tcp.analysis.*</c>), with Wireshark's definitions: each one
/// compares a segment with what was seen before in its direction (next expected sequence number, last ACK and
/// window) and in the other direction.
/// </summary>
[Flags]
public enum TcpExpertFlags : ushort
{
    None = 0,

    /// <summary>Data (or SYN/FIN) below the next expected sequence number: sent again (<c>tcp.analysis.retransmission</c>).</summary>
    Retransmission = 1 << 0,

    /// <summary>A retransmission of the segment the peer asked for with two or more duplicate ACKs, within 20 ms of the last one (also flagged <see cref="Retransmission"/>, as Wireshark does).</summary>
    FastRetransmission = 1 << 1,

    /// <summary>A retransmission of data the peer had already acknowledged (also flagged <see cref="Retransmission"/>).</summary>
    SpuriousRetransmission = 1 << 2,

    /// <summary>Below the next expected sequence number but within one initial RTT (3 ms when unknown) of the highest segment: reordered, not resent.</summary>
    OutOfOrder = 1 << 3,

    /// <summary>A sequence number beyond the next expected one: the capture missed a segment (<c>tcp.analysis.lost_segment</c>).</summary>
    PreviousSegmentNotCaptured = 1 << 4,

    /// <summary>An ACK for data the capture never showed (<c>tcp.analysis.ack_lost_segment</c>).</summary>
    AckedUnseenSegment = 1 << 5,

    /// <summary>A pure ACK repeating the last ACK number and window with no new data.</summary>
    DuplicateAck = 1 << 6,

    /// <summary>The sender advertises a zero receive window.</summary>
    ZeroWindow = 1 << 7,

    /// <summary>One byte at the next sequence number sent into the peer's zero window.</summary>
    ZeroWindowProbe = 1 << 8,

    /// <summary>The answer to a zero-window probe.</summary>
    ZeroWindowProbeAck = 1 << 9,

    /// <summary>Zero or one byte at one below the next sequence number: a keep-alive.</summary>
    KeepAlive = 1 << 10,

    /// <summary>The answer to a keep-alive.</summary>
    KeepAliveAck = 1 << 11,

    /// <summary>A pure ACK that only changes the window.</summary>
    WindowUpdate = 1 << 12,

    /// <summary>A segment that fills the peer's advertised window exactly.</summary>
    WindowFull = 1 << 13,

    /// <summary>A new SYN (with a new initial sequence number) on the 4-tuple of an earlier connection.</summary>
    ReusedPorts = 1 << 14,
}
