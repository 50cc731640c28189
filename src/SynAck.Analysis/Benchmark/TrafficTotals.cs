namespace SynAck.Analysis.Benchmark;

/// <summary>What a generator run wrote: the ground truth a test compares the analysis with.</summary>
internal sealed class TrafficTotals
{
    public long Bytes { get; internal set; }

    public long Packets { get; internal set; }

    public long Connections { get; internal set; }

    public long PayloadBytes { get; internal set; }

    /// <summary>Data segments sent again (fast retransmissions and timeouts).</summary>
    public long Retransmissions { get; internal set; }

    public long Unanswered { get; internal set; }

    public long Refused { get; internal set; }

    public long ClientFin { get; internal set; }

    public long ServerFin { get; internal set; }

    public long ServerRst { get; internal set; }

    public long ClientRst { get; internal set; }

    public long FinThenRst { get; internal set; }

    /// <summary>Nanoseconds from the first packet to the last.</summary>
    public long SpanNanoseconds { get; internal set; }
}
