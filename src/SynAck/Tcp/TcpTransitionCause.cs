namespace SynAck.Tcp;

/// <summary>What moved a connection from one state to another: the event labels of RFC 9293 figure 5.</summary>
public enum TcpTransitionCause : byte
{
    /// <summary>The application opened a connection (OPEN call, active): SYN sent.</summary>
    ActiveOpen,

    /// <summary>The application started listening (OPEN call, passive).</summary>
    PassiveOpen,

    /// <summary>SEND on a listening endpoint turns it active (figure 5; SynAck's API never does this).</summary>
    Send,

    /// <summary>A SYN arrived (passive open, simultaneous open, or reopening a TIME-WAIT 4-tuple per RFC 6191).</summary>
    RcvSyn,

    /// <summary>A SYN acknowledging our SYN arrived.</summary>
    RcvSynAck,

    /// <summary>An ACK of our SYN or our FIN arrived.</summary>
    RcvAck,

    /// <summary>The peer's FIN arrived.</summary>
    RcvFin,

    /// <summary>The peer's FIN arrived together with the ACK of our FIN.</summary>
    RcvFinAck,

    /// <summary>The application closed (CLOSE call): FIN queued, or the endpoint deleted.</summary>
    Close,

    /// <summary>The application aborted (ABORT call), or closed with unread data (RFC 2525 §2.17): RST sent.</summary>
    Abort,

    /// <summary>An acceptable RST arrived.</summary>
    RcvRst,

    /// <summary>Retransmissions ran out (SYN, SYN-ACK, data or FIN), or FIN-WAIT-2 timed out.</summary>
    Timeout,

    /// <summary>2MSL passed in TIME-WAIT.</summary>
    TimeWaitExpired,

    /// <summary>An ICMP error ended an opening connection (as Linux; see TcpConnection.IcmpErrorArrives).</summary>
    IcmpError,
}
