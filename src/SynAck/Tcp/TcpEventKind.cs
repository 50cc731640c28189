namespace SynAck.Tcp;

/// <summary>What a <see cref="TcpEvent"/> reports.</summary>
public enum TcpEventKind : byte
{
    /// <summary>A segment left the stack (<see cref="TcpEvent.Segment"/>).</summary>
    SegmentSent,

    /// <summary>A segment for a known connection, listener or TIME-WAIT entry arrived and was processed (<see cref="TcpEvent.Segment"/>).</summary>
    SegmentReceived,

    /// <summary>An arriving packet or segment was dropped (<see cref="TcpEvent.DropReason"/>, <see cref="TcpEvent.Segment"/> when it parsed).</summary>
    SegmentDropped,

    /// <summary>A connection changed state (<see cref="TcpEvent.From"/>, <see cref="TcpEvent.To"/>, <see cref="TcpEvent.Cause"/>).</summary>
    StateChanged,

    /// <summary>A timer expired (<see cref="TcpEvent.Timer"/>).</summary>
    TimerFired,

    /// <summary>A segment was sent again (<see cref="TcpEvent.Segment"/>); also reported as <see cref="SegmentSent"/>.</summary>
    Retransmitted,

    /// <summary>A connection failed (<see cref="TcpEvent.Error"/>).</summary>
    ConnectionError,
}
