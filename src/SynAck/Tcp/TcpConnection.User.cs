using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

internal sealed partial class TcpConnection
{
    /// <summary>
    /// RFC 9293 §3.10.2 SEND: queue bytes (in SYN-SENT and SYN-RECEIVED too, sent once established). Returns how
    /// many fit in the send buffer; 0 when full, or when the connection failed or is gone.
    /// </summary>
    /// <param name="data">The bytes.</param>
    /// <param name="more">A SEND without PUSH (Linux's MSG_MORE): more data follows, so the end of this is no push
    /// point and a short segment of it is not sent at once.</param>
    public int Send(ReadOnlySpan<byte> data, bool more = false)
    {
        if (FinQueued || UserClosed)
            throw new InvalidOperationException("connection closing: the sending side was shut down");
        if (IsReleased || State is not (TcpState.SynSent or TcpState.SynReceived or TcpState.Established or TcpState.CloseWait))
            return 0;
        SeqNum start = SndBufStart + _send.Count;
        int n = _send.Append(data);
        if (n > 0)
        {
            // Each SEND carries PUSH (RFC 9293 §3.9.1.2) unless flagged "more", as every write does on Linux: a
            // partial one too, which Linux pushes before it waits for room.
            if (SndMax >= start)
                _naglePush = false;     // a write that starts a new buffer (nothing unsent before it) ends TCP_NAGLE_PUSH
            MarkWrite(start, n, more);
            if (more)
                _moreCork = true;
            _stack.MarkDirty(this);
        }
        return n;
    }

    /// <summary>
    /// The sending half of CLOSE (RFC 9293 §3.10.4): a FIN follows the queued data. The receiving half stays open
    /// (half-close), so the peer can go on sending.
    /// </summary>
    public void Shutdown(Instant now)
    {
        if (IsReleased || FinQueued)
            return;
        switch (State)
        {
            case TcpState.SynSent:
                // Queued until the handshake completes; ESTABLISHED then becomes FIN-WAIT-1 at once.
                QueueFin();
                break;
            case TcpState.SynReceived:
            case TcpState.Established:
                QueueFin();
                SetState(TcpState.FinWait1, TcpTransitionCause.Close, now);
                break;
            case TcpState.CloseWait:
                QueueFin();
                SetState(TcpState.LastAck, TcpTransitionCause.Close, now);
                break;
            default:
                return;
        }
        _stack.MarkDirty(this);
    }

    /// <summary>
    /// RFC 9293 §3.10.4 CLOSE: in SYN-SENT delete the TCB; otherwise send FIN after the queued data. Closing with
    /// received data still unread resets the connection instead (RFC 2525 §2.17, as Linux does): the peer must
    /// not believe that data was delivered.
    /// </summary>
    public void Close(Instant now)
    {
        UserClosed = true;
        if (IsReleased)
            return;
        if (State == TcpState.SynSent)
        {
            CloseAndRelease(TcpTransitionCause.Close, now);
            return;
        }
        if (_recv.Readable > 0 && State is not TcpState.TimeWait)
        {
            QueueReset(SndMax, RcvNxt, TcpFlags.Rst | TcpFlags.Ack, now);
            CloseAndRelease(TcpTransitionCause.Abort, now);
            return;
        }
        Shutdown(now);
        ArmFinWait2(now);
        _stack.Reschedule(this);
    }

    /// <summary>
    /// RFC 9293 §3.10.5 ABORT: in SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1/2 and CLOSE-WAIT send &lt;SEQ=SND.NXT&gt;&lt;CTL=RST&gt;;
    /// in SYN-SENT, CLOSING and LAST-ACK just delete the TCB. Either way CLOSED at once.
    /// </summary>
    public void Abort(Instant now)
    {
        UserClosed = true;
        if (IsReleased)
            return;
        if (State is TcpState.SynReceived or TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2 or TcpState.CloseWait)
            QueueReset(SndMax, default, TcpFlags.Rst, now);
        CloseAndRelease(TcpTransitionCause.Abort, now);
    }

    private void QueueFin()
    {
        FinQueued = true;
        FinSeq = SndBufStart + _send.Count;
    }
}
