namespace SynAck.Analysis.Conversations;

/// <summary>
/// One Wireshark TCP conversation (<c>tcp.stream</c>): its two flows' sequence analysis state, its completeness
/// bits and initial RTT. Zeek may split it into several connections (a SYN after a FIN or reset, a resumption
/// after SynAck finished the connection); those records share this state and its stream number, as Wireshark
/// keeps one conversation per 4-tuple until a SYN brings a new initial sequence number.
/// </summary>
internal sealed class WiresharkConversation(long stream)
{
    public long Stream { get; } = stream;

    public WiresharkFlow Low { get; } = new();

    public WiresharkFlow High { get; } = new();

    /// <summary>Wireshark's <c>tcp.completeness</c> so far.</summary>
    public int Completeness;

    /// <summary>A packet of this conversation has been seen (Wireshark's "conversation is new" is false after it).</summary>
    public bool Started;

    /// <summary>When the latest SYN was seen, 0 before any (Wireshark's <c>ts_mru_syn</c>).</summary>
    public long LatestSynTime;

    /// <summary>Wireshark's initial RTT: from the latest SYN to the first ACK without SYN; 0 while unknown.</summary>
    public long InitialRttNs;

    public WiresharkFlow Flow(bool fromLow) => fromLow ? Low : High;

    /// <summary>The base sequence number of the direction that sends from the low (<paramref name="fromLow"/>) or high endpoint, when known.</summary>
    public bool TryGetBase(bool fromLow, out uint baseSeq)
    {
        var flow = Flow(fromLow);
        baseSeq = flow.BaseSeq;
        return flow.BaseSet;
    }
}
