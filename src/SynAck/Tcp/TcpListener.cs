namespace SynAck.Tcp;

/// <summary>
/// A passive OPEN on one local port (RFC 9293 §3.10.1): the LISTEN state, the connections it spawned that are
/// still handshaking, and the established ones waiting for the application to accept them. The backlog bounds both.
/// </summary>
internal sealed class TcpListener
{
    public TcpListener(ushort port, int backlog)
    {
        Port = port;
        Backlog = Math.Max(1, backlog);
    }

    public ushort Port { get; }

    public int Backlog { get; }

    /// <summary>Connections in SYN-RECEIVED spawned by this listener.</summary>
    public int HalfOpen { get; set; }

    /// <summary>Established connections not yet accepted, oldest first; ones that died while queued are skipped on accept.</summary>
    public Queue<TcpConnection> AcceptQueue { get; } = new();

    /// <summary>Live connections in <see cref="AcceptQueue"/>.</summary>
    public int Queued { get; set; }

    public bool IsFull => HalfOpen + Queued >= Backlog;

    /// <summary>When the backlog last overflowed and a SYN cookie went out; cookies are only honoured soon after (as Linux does).</summary>
    public long LastCookieAt { get; set; } = long.MinValue;
}
