using SynAck.Tcp;

namespace SynAck.Analysis.States;

/// <summary>
/// The engine's own transition table (<see cref="TcpStateTable"/>) as the diagram's edges, so the picture is
/// drawn from the code and cannot drift from it; and a run's transitions as the edges to highlight.
/// </summary>
public static class StateTableEdges
{
    /// <summary>Every transition of <see cref="TcpStateTable.Transitions"/>, in the table's order.</summary>
    public static IReadOnlyList<StateEdge> All { get; } = TcpStateTable.Transitions.Select(ToEdge).ToList();

    /// <summary>The edge for one transition.</summary>
    public static StateEdge ToEdge(TcpTransition t) => new(Name(t.From), Name(t.To), Cause(t.Cause));

    /// <summary>The edges a run took, for highlighting; transitions the table does not hold (demonstration-only arcs) are left out.</summary>
    public static HashSet<StateEdge> Taken(IEnumerable<TcpTransition> transitions)
        => transitions.Where(t => TcpStateTable.IsLegal(t.From, t.To, t.Cause)).Select(ToEdge).ToHashSet();

    /// <summary>The state's name as RFC 9293 writes it.</summary>
    public static string Name(TcpState state) => TcpStateTable.RfcName(state);

    /// <summary>The event label of an arc, in the words of RFC 9293 figure 5.</summary>
    public static string Cause(TcpTransitionCause cause) => cause switch
    {
        TcpTransitionCause.ActiveOpen => "active OPEN",
        TcpTransitionCause.PassiveOpen => "passive OPEN",
        TcpTransitionCause.Send => "SEND",
        TcpTransitionCause.RcvSyn => "rcv SYN",
        TcpTransitionCause.RcvSynAck => "rcv SYN+ACK",
        TcpTransitionCause.RcvAck => "rcv ACK",
        TcpTransitionCause.RcvFin => "rcv FIN",
        TcpTransitionCause.RcvFinAck => "rcv FIN+ACK",
        TcpTransitionCause.Close => "CLOSE",
        TcpTransitionCause.Abort => "ABORT",
        TcpTransitionCause.RcvRst => "rcv RST",
        TcpTransitionCause.Timeout => "timeout",
        TcpTransitionCause.TimeWaitExpired => "2MSL timeout",
        TcpTransitionCause.IcmpError => "rcv ICMP error",
        _ => cause.ToString(),
    };
}
