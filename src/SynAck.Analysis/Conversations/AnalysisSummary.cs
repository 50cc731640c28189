namespace SynAck.Analysis.Conversations;

/// <summary>The capture-wide answers: how connections ended, who holds TIME_WAIT, who resets, how long handshakes take.</summary>
public sealed class AnalysisSummary
{
    public required PacketCounts Packets { get; init; }

    public required long Connections { get; init; }

    public required long MidstreamConnections { get; init; }

    /// <summary>Connections per Zeek conn_state, most frequent first.</summary>
    public required IReadOnlyList<KeyValuePair<string, long>> ByConnState { get; init; }

    public required IReadOnlyList<KeyValuePair<ConnectionEndKind, long>> ByEndKind { get; init; }

    /// <summary>Hosts that closed actively (so held TIME_WAIT), most closes first.</summary>
    public required IReadOnlyList<TimeWaitHolder> TimeWaitHolders { get; init; }

    /// <summary>Connections that started on a 4-tuple whose previous connection ended less than one TIME_WAIT window before.</summary>
    public required long TupleReusedWithinWindow { get; init; }

    /// <summary>New SYNs on a 4-tuple while its previous, cleanly closed connection was still in TIME_WAIT.</summary>
    public required long SynsDuringTimeWait { get; init; }

    public required long ResetByOriginator { get; init; }

    public required long ResetByResponder { get; init; }

    public required IReadOnlyList<ResetSender> ResetSenders { get; init; }

    /// <summary>SYN to SYN-ACK times (what connect() waited).</summary>
    public required DurationPercentiles Handshake { get; init; }

    public required DurationPercentiles InitialRtt { get; init; }

    /// <summary>Connections whose SYNs were never answered (Zeek S0), and how many SYN segments that took.</summary>
    public required long UnansweredSynConnections { get; init; }

    public required long UnansweredSynSegments { get; init; }

    /// <summary>Connections with at least one retransmitted SYN.</summary>
    public required long ConnectionsWithSynRetransmissions { get; init; }

    public required long ReusedPortsFlags { get; init; }
}
