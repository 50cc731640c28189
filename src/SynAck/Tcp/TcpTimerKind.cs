namespace SynAck.Tcp;

/// <summary>The timers a connection runs (RFC 9293 §3.8, RFC 6298, RFC 1122 §4.2.3).</summary>
public enum TcpTimerKind : byte
{
    /// <summary>No timer.</summary>
    None,

    /// <summary>Retransmission of SYN, SYN-ACK, data or FIN (RFC 6298).</summary>
    Retransmission,

    /// <summary>Zero-window probe (RFC 9293 §3.8.6.1).</summary>
    Persist,

    /// <summary>Delayed acknowledgment (RFC 9293 §3.8.6.3).</summary>
    DelayedAck,

    /// <summary>FIN-WAIT-2 timeout for an application-closed connection.</summary>
    FinWait2,

    /// <summary>The 2MSL wait of TIME-WAIT (RFC 9293 §3.4.2).</summary>
    TimeWait,

    /// <summary>Keep-alive: idle time before a probe, then the interval between probes (RFC 1122 §4.2.3.6).</summary>
    KeepAlive,

    /// <summary>USER TIMEOUT: how long sent data may stay unacknowledged (RFC 5482, RFC 9293 §3.10.8).</summary>
    UserTimeout,

    /// <summary>Tail loss probe (RFC 8985 §7).</summary>
    LossProbe,

    /// <summary>RACK reordering timer: a segment overtaken by delivered data becomes lost once reo_wnd passes (RFC 8985 §6.2).</summary>
    Reorder,
}
