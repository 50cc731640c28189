namespace SynAck.Tcp;

/// <summary>The eleven connection states of RFC 9293 §3.3.2 (figure 5).</summary>
public enum TcpState : byte
{
    /// <summary>No connection: the fictional state before OPEN and after the connection is gone.</summary>
    Closed,

    /// <summary>Waiting for a connection request from any remote TCP endpoint.</summary>
    Listen,

    /// <summary>A SYN has been sent; waiting for a matching SYN (and an ACK of ours).</summary>
    SynSent,

    /// <summary>A SYN has been both received and sent; waiting for the ACK of our SYN.</summary>
    SynReceived,

    /// <summary>The handshake is done: data flows both ways.</summary>
    Established,

    /// <summary>We closed (sent FIN); waiting for its ACK or the peer's FIN.</summary>
    FinWait1,

    /// <summary>Our FIN is acknowledged; waiting for the peer's FIN.</summary>
    FinWait2,

    /// <summary>The peer closed (its FIN arrived); waiting for our application to close.</summary>
    CloseWait,

    /// <summary>Both sides sent FIN before seeing the other's ACK (simultaneous close).</summary>
    Closing,

    /// <summary>The peer closed first and so did we; waiting for the ACK of our FIN.</summary>
    LastAck,

    /// <summary>We closed first and both FINs are acknowledged; holding the 4-tuple for 2MSL.</summary>
    TimeWait,
}
