using System.Collections.Frozen;

namespace SynAck.Tcp;

/// <summary>
/// The legal transitions of RFC 9293's state machine (figure 5 and the event processing of §3.10), as data:
/// the engine reports each transition it makes, tests reject any that this table does not hold, and the
/// state diagram is drawn from it. <see cref="DemonstrationTransitions"/> holds the extra arcs that exist only
/// when a demonstration switch of <see cref="TcpSettings"/> breaks the protocol on purpose.
/// </summary>
public static class TcpStateTable
{
    private static readonly TcpTransition[] s_transitions =
    [
        // Opening (RFC 9293 §3.5, §3.10.1).
        new(TcpState.Closed, TcpState.Listen, TcpTransitionCause.PassiveOpen),
        new(TcpState.Closed, TcpState.SynSent, TcpTransitionCause.ActiveOpen),
        new(TcpState.Listen, TcpState.SynReceived, TcpTransitionCause.RcvSyn),
        new(TcpState.Listen, TcpState.SynSent, TcpTransitionCause.Send),
        new(TcpState.Listen, TcpState.Closed, TcpTransitionCause.Close),
        new(TcpState.Listen, TcpState.Closed, TcpTransitionCause.Abort),
        new(TcpState.SynSent, TcpState.SynReceived, TcpTransitionCause.RcvSyn),
        new(TcpState.SynSent, TcpState.Established, TcpTransitionCause.RcvSynAck),
        new(TcpState.SynSent, TcpState.Closed, TcpTransitionCause.Close),
        new(TcpState.SynSent, TcpState.Closed, TcpTransitionCause.Abort),
        new(TcpState.SynSent, TcpState.Closed, TcpTransitionCause.RcvRst),
        new(TcpState.SynSent, TcpState.Closed, TcpTransitionCause.Timeout),
        new(TcpState.SynReceived, TcpState.Established, TcpTransitionCause.RcvAck),
        new(TcpState.SynReceived, TcpState.FinWait1, TcpTransitionCause.Close),
        // §3.10.7.4 second: a RST returns a passively opened connection to LISTEN (figure 8, old duplicate SYN).
        new(TcpState.SynReceived, TcpState.Listen, TcpTransitionCause.RcvRst),
        // §3.10.7.4 fourth: a SYN in SYN-RECEIVED (passive open) also returns it to LISTEN.
        new(TcpState.SynReceived, TcpState.Listen, TcpTransitionCause.RcvSyn),
        new(TcpState.SynReceived, TcpState.Closed, TcpTransitionCause.RcvRst),
        new(TcpState.SynReceived, TcpState.Closed, TcpTransitionCause.Abort),
        new(TcpState.SynReceived, TcpState.Closed, TcpTransitionCause.Timeout),
        // An ICMP error in flight ends an opening connection (Linux tcp_v4_err, tcp_req_err; RFC 1122 §4.2.3.9 allows it).
        new(TcpState.SynSent, TcpState.Closed, TcpTransitionCause.IcmpError),
        new(TcpState.SynReceived, TcpState.Closed, TcpTransitionCause.IcmpError),

        // Synchronized states (§3.6 closing, §3.10.4 CLOSE, §3.10.5 ABORT, §3.10.7.4 segment arrives, §3.10.8 timeouts).
        new(TcpState.Established, TcpState.FinWait1, TcpTransitionCause.Close),
        new(TcpState.Established, TcpState.CloseWait, TcpTransitionCause.RcvFin),
        new(TcpState.Established, TcpState.Closed, TcpTransitionCause.RcvRst),
        new(TcpState.Established, TcpState.Closed, TcpTransitionCause.Abort),
        new(TcpState.Established, TcpState.Closed, TcpTransitionCause.Timeout),
        new(TcpState.FinWait1, TcpState.FinWait2, TcpTransitionCause.RcvAck),
        new(TcpState.FinWait1, TcpState.Closing, TcpTransitionCause.RcvFin),
        new(TcpState.FinWait1, TcpState.TimeWait, TcpTransitionCause.RcvFinAck),
        new(TcpState.FinWait1, TcpState.Closed, TcpTransitionCause.RcvRst),
        new(TcpState.FinWait1, TcpState.Closed, TcpTransitionCause.Abort),
        new(TcpState.FinWait1, TcpState.Closed, TcpTransitionCause.Timeout),
        new(TcpState.FinWait2, TcpState.TimeWait, TcpTransitionCause.RcvFin),
        new(TcpState.FinWait2, TcpState.Closed, TcpTransitionCause.RcvRst),
        new(TcpState.FinWait2, TcpState.Closed, TcpTransitionCause.Abort),
        new(TcpState.FinWait2, TcpState.Closed, TcpTransitionCause.Timeout),
        new(TcpState.CloseWait, TcpState.LastAck, TcpTransitionCause.Close),
        new(TcpState.CloseWait, TcpState.Closed, TcpTransitionCause.RcvRst),
        new(TcpState.CloseWait, TcpState.Closed, TcpTransitionCause.Abort),
        new(TcpState.CloseWait, TcpState.Closed, TcpTransitionCause.Timeout),
        new(TcpState.Closing, TcpState.TimeWait, TcpTransitionCause.RcvAck),
        new(TcpState.Closing, TcpState.Closed, TcpTransitionCause.RcvRst),
        new(TcpState.Closing, TcpState.Closed, TcpTransitionCause.Abort),
        new(TcpState.Closing, TcpState.Closed, TcpTransitionCause.Timeout),
        new(TcpState.LastAck, TcpState.Closed, TcpTransitionCause.RcvAck),
        new(TcpState.LastAck, TcpState.Closed, TcpTransitionCause.RcvRst),
        new(TcpState.LastAck, TcpState.Closed, TcpTransitionCause.Abort),
        new(TcpState.LastAck, TcpState.Closed, TcpTransitionCause.Timeout),
        new(TcpState.TimeWait, TcpState.Closed, TcpTransitionCause.TimeWaitExpired),
        // RFC 6191 / RFC 9293 §3.10.7.4: a new SYN above RCV.NXT ends TIME-WAIT early and opens a new incarnation.
        new(TcpState.TimeWait, TcpState.Closed, TcpTransitionCause.RcvSyn),
    ];

    private static readonly TcpTransition[] s_demonstration =
    [
        // DemoTwoWayHandshake: the passive side believes the connection is open on the SYN alone.
        new(TcpState.Listen, TcpState.Established, TcpTransitionCause.RcvSyn),
        // DemoSkipTimeWait: the active closer forgets the 4-tuple at once instead of holding it for 2MSL.
        new(TcpState.FinWait1, TcpState.Closed, TcpTransitionCause.RcvFinAck),
        new(TcpState.FinWait2, TcpState.Closed, TcpTransitionCause.RcvFin),
        new(TcpState.Closing, TcpState.Closed, TcpTransitionCause.RcvAck),
    ];

    private static readonly FrozenSet<TcpTransition> s_legal = s_transitions.ToFrozenSet();
    private static readonly FrozenSet<TcpTransition> s_demo = s_demonstration.ToFrozenSet();

    /// <summary>Every transition RFC 9293 allows, in the order of the diagram (opening, then closing).</summary>
    public static IReadOnlyList<TcpTransition> Transitions => s_transitions;

    /// <summary>
    /// Transitions that only the demonstration switches (<see cref="TcpSettings.DemoSkipTimeWait"/>,
    /// <see cref="TcpSettings.DemoTwoWayHandshake"/>) produce. They are protocol violations, kept apart.
    /// </summary>
    public static IReadOnlyList<TcpTransition> DemonstrationTransitions => s_demonstration;

    /// <summary>True when RFC 9293 allows going from <paramref name="from"/> to <paramref name="to"/> on <paramref name="cause"/>.</summary>
    public static bool IsLegal(TcpState from, TcpState to, TcpTransitionCause cause)
        => s_legal.Contains(new TcpTransition(from, to, cause));

    /// <summary>As <see cref="IsLegal(TcpState, TcpState, TcpTransitionCause)"/>, also accepting the demonstration-only arcs when <paramref name="allowDemonstration"/>.</summary>
    public static bool IsLegal(TcpState from, TcpState to, TcpTransitionCause cause, bool allowDemonstration)
        => IsLegal(from, to, cause) || (allowDemonstration && s_demo.Contains(new TcpTransition(from, to, cause)));

    /// <summary>True for an arc that exists only under a demonstration switch.</summary>
    public static bool IsDemonstrationOnly(TcpTransition transition) => s_demo.Contains(transition) && !s_legal.Contains(transition);

    /// <summary>The state's name as RFC 9293 writes it: "SYN-RECEIVED", "TIME-WAIT".</summary>
    public static string RfcName(TcpState state) => state switch
    {
        TcpState.Closed => "CLOSED",
        TcpState.Listen => "LISTEN",
        TcpState.SynSent => "SYN-SENT",
        TcpState.SynReceived => "SYN-RECEIVED",
        TcpState.Established => "ESTABLISHED",
        TcpState.FinWait1 => "FIN-WAIT-1",
        TcpState.FinWait2 => "FIN-WAIT-2",
        TcpState.CloseWait => "CLOSE-WAIT",
        TcpState.Closing => "CLOSING",
        TcpState.LastAck => "LAST-ACK",
        TcpState.TimeWait => "TIME-WAIT",
        _ => "?",
    };
}
