namespace SynAck.Tcp;

/// <summary>Why a connection failed, as the application sees it.</summary>
public enum TcpError : byte
{
    /// <summary>No error.</summary>
    None,

    /// <summary>The peer answered our SYN with RST: nothing listens there ("connection refused").</summary>
    Refused,

    /// <summary>The peer reset an open connection ("connection reset").</summary>
    Reset,

    /// <summary>Retransmissions ran out, or FIN-WAIT-2 timed out ("timed out").</summary>
    TimedOut,

    /// <summary>An ICMP error said the peer cannot be reached (network or host unreachable, time exceeded, parameter problem).</summary>
    Unreachable,
}
