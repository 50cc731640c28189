using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Analysis.Scenarios;

/// <summary>
/// What a scenario run ended with, as data a test can assert: the states each side went through, the errors
/// each side's application saw, the bytes sent and delivered, how long TIME-WAIT lasted and what is left.
/// </summary>
public sealed record ScenarioFacts
{
    /// <summary>The client's states in order, starting with the state before its first transition.</summary>
    public required IReadOnlyList<TcpState> ClientStates { get; init; }

    /// <summary>The server's states in order (its listener's LISTEN included), starting with the state before its first transition.</summary>
    public required IReadOnlyList<TcpState> ServerStates { get; init; }

    /// <summary>Every transition the client's stack reported, in order.</summary>
    public required IReadOnlyList<TcpTransition> ClientTransitions { get; init; }

    /// <summary>Every transition the server's stack reported (all incarnations of the server), in order.</summary>
    public required IReadOnlyList<TcpTransition> ServerTransitions { get; init; }

    /// <summary>Errors the client's connections failed with, in order.</summary>
    public required IReadOnlyList<TcpError> ClientErrors { get; init; }

    /// <summary>Errors the server's connections failed with, in order.</summary>
    public required IReadOnlyList<TcpError> ServerErrors { get; init; }

    /// <summary>Bytes the client's application handed to SEND, over all its connections.</summary>
    public long ClientBytesSent { get; init; }

    /// <summary>Bytes the server's application handed to SEND.</summary>
    public long ServerBytesSent { get; init; }

    /// <summary>Bytes the server's application read.</summary>
    public long ServerBytesReceived { get; init; }

    /// <summary>Bytes the client's application read.</summary>
    public long ClientBytesReceived { get; init; }

    /// <summary>
    /// Bytes an application read that differ from what its peer's application wrote at that position on that
    /// connection (data of another connection, or of an old incarnation, delivered as this one's).
    /// </summary>
    public long CorruptedBytes { get; init; }

    /// <summary>True when every byte read equals the byte written at that position, and every byte written was read.</summary>
    public bool DataIntact { get; init; }

    /// <summary>How long the client stayed in TIME-WAIT (first entry to CLOSED), or null when it never entered it.</summary>
    public Duration? ClientTimeWait { get; init; }

    /// <summary>How long the server stayed in TIME-WAIT, or null when it never entered it.</summary>
    public Duration? ServerTimeWait { get; init; }

    /// <summary>Connections (every state but LISTEN) plus TIME-WAIT entries the client holds at the end.</summary>
    public int ClientConnectionsLeft { get; init; }

    /// <summary>Connections plus TIME-WAIT entries the server holds at the end.</summary>
    public int ServerConnectionsLeft { get; init; }

    /// <summary>Connections the server's application accepted.</summary>
    public int ServerAccepted { get; init; }

    /// <summary>Connections the client's application saw reach ESTABLISHED.</summary>
    public int ClientEstablished { get; init; }

    /// <summary>Segments on the wire (sent or injected), dropped ones included.</summary>
    public int Segments { get; init; }

    /// <summary>Segments lost on the wire (scripted or random).</summary>
    public int SegmentsDropped { get; init; }

    /// <summary>Retransmissions by the client's stack.</summary>
    public int ClientRetransmissions { get; init; }

    /// <summary>Retransmissions by the server's stack.</summary>
    public int ServerRetransmissions { get; init; }

    /// <summary>Virtual time when the run ended.</summary>
    public Instant EndedAt { get; init; }
}
