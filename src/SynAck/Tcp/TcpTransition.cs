namespace SynAck.Tcp;

/// <summary>One arc of the state diagram: <paramref name="From"/> to <paramref name="To"/> because of <paramref name="Cause"/>.</summary>
public readonly record struct TcpTransition(TcpState From, TcpState To, TcpTransitionCause Cause);
