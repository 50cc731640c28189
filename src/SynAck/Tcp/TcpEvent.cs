using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// One thing that happened in a stack: a segment sent, received or dropped, a state change, a timer, an
/// error. Which properties mean something depends on <see cref="Kind"/>; the others keep their defaults.
/// </summary>
public readonly record struct TcpEvent
{
    /// <summary>What happened.</summary>
    public TcpEventKind Kind { get; init; }

    /// <summary>When (the <c>now</c> of the call that caused it).</summary>
    public Instant Time { get; init; }

    /// <summary>The connection's 4-tuple from this host's side (for a drop before parsing: as far as known).</summary>
    public ConnectionId Connection { get; init; }

    /// <summary>StateChanged: the state left.</summary>
    public TcpState From { get; init; }

    /// <summary>StateChanged: the state entered.</summary>
    public TcpState To { get; init; }

    /// <summary>StateChanged: why.</summary>
    public TcpTransitionCause Cause { get; init; }

    /// <summary>Segment events: the segment's header.</summary>
    public TcpSegmentSummary Segment { get; init; }

    /// <summary>True when <see cref="Segment"/> is meaningful.</summary>
    public bool HasSegment { get; init; }

    /// <summary>SegmentDropped: why.</summary>
    public TcpDropReason DropReason { get; init; }

    /// <summary>SegmentDropped, when the packet failed to parse: the parser's status.</summary>
    public WireStatus WireStatus { get; init; }

    /// <summary>TimerFired: which timer.</summary>
    public TcpTimerKind Timer { get; init; }

    /// <summary>ConnectionError: the error the application will see.</summary>
    public TcpError Error { get; init; }

    /// <summary>SegmentDropped: the reason as a sentence.</summary>
    public string DropReasonText => TcpDropReasons.Describe(DropReason);
}
