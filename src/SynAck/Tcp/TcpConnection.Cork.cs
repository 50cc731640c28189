namespace SynAck.Tcp;

/// <summary>
/// Sends without PUSH (RFC 9293 §3.9.1.2: "the data may be combined with data from subsequent SENDs for
/// transmission efficiency"), as Linux offers them: a write flagged "more" (MSG_MORE) is neither a push point nor sent
/// as a short segment at once, and a corked connection (TCP_CORK) holds short segments until uncorked. Switching
/// Nagle off, or uncorking with Nagle off, pushes what waits (Linux's TCP_NAGLE_PUSH, until a write starts a new
/// buffer). Data held so with nothing in flight goes when the persist timer fires, pushed (Linux's probe timer and
/// tcp_write_wakeup).
/// </summary>
internal sealed partial class TcpConnection
{
    /// <summary>TCP_CORK: short segments wait for more data, or for the cork to come off.</summary>
    public bool Cork { get => HasFlag(ConnectionFlags.Cork); private set => SetFlag(ConnectionFlags.Cork, value); }

    // Linux's TCP_NAGLE_PUSH: set when Nagle goes off (or the cork comes off with it off), cleared by a write that
    // starts a new buffer; while set, a short segment goes even if corked.
    private bool _naglePush { get => HasFlag(ConnectionFlags.NaglePush); set => SetFlag(ConnectionFlags.NaglePush, value); }

    // The output that follows a "more" write holds short segments, as Linux's sendmsg pushes with TCP_NAGLE_CORK.
    private bool _moreCork { get => HasFlag(ConnectionFlags.MoreCork); set => SetFlag(ConnectionFlags.MoreCork, value); }

    /// <summary>TCP_NODELAY: Nagle off (and what waits is pushed) or on.</summary>
    public void SetNoDelay(bool noDelay)
    {
        Nagle = !noDelay;
        if (noDelay)
        {
            _naglePush = true;
            _stack.MarkDirty(this);
        }
    }

    /// <summary>TCP_CORK on or off; off sends what the cork held.</summary>
    public void SetCork(bool on)
    {
        Cork = on;
        if (on)
            return;
        if (!Nagle)
            _naglePush = true;
        _stack.MarkDirty(this);
    }

    /// <summary>Is a short segment (less than SMSS, no FIN) held back by a cork now?</summary>
    private bool CorkHolds(bool more) => more || (Cork && !_naglePush);
}
