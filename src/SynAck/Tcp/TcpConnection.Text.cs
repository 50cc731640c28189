using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

internal sealed partial class TcpConnection
{
    private bool _finPending { get => HasFlag(ConnectionFlags.FinPending); set => SetFlag(ConnectionFlags.FinPending, value); }
    private SeqNum _finPendingSeq;
    private int _unackedBytes;

    /// <summary>
    /// RFC 9293 §3.10.7.4 seventh: in ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2, move the text into the receive
    /// buffer — in order at RCV.NXT, or out of order into its place (bounded) — and decide when to acknowledge.
    /// Returns false when some of the text could not be kept (outside the window, or the out-of-order bound).
    /// </summary>
    private bool ProcessText(TcpPacket seg, Instant now)
    {
        var payload = seg.Payload;
        if (payload.IsEmpty)
            return true;
        if (State is not (TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2))
        {
            // CLOSE-WAIT, CLOSING, LAST-ACK: the peer's FIN has come, so no text can follow it.
            _stack.Drop(now, TcpDropReason.DataAfterFin, Id, true, NetStackSummary(seg));
            return false;
        }
        SeqNum seq = seg.Seq + ((seg.Flags & TcpFlags.Syn) != 0 ? 1 : 0);
        // Trim what precedes RCV.NXT (already received) and what lies past the window we offered.
        int skip = RcvNxt - seq;
        if (skip > 0)
        {
            if (skip >= payload.Length)
            {
                // A pure duplicate: acknowledge at once so the sender learns where we are (RFC 5681 §4.2).
                _ackNow = true;
                _stack.MarkDirty(this);
                return true;
            }
            payload = payload[skip..];
            seq = RcvNxt;
        }
        if (UserClosed)
        {
            // The application closed and will never read this: reset, as Linux does (RFC 2525 §2.17 in spirit) — but only
            // for new data (RFC 1122 §4.2.2.13); bytes already received, resent with the FIN, are trimmed above
            // (RFC 9293 §3.10.7.4: "only the new parts"). The connection is given up, so the reset takes the form for a
            // segment that finds none, <SEQ=SEG.ACK><CTL=RST> (§3.10.7.1), as Linux answers it: SEG.ACK is exactly the
            // peer's RCV.NXT, so the reset is accepted even when our FIN was lost (RFC 5961 §3.2), where SND.NXT
            // would only draw a challenge ACK.
            QueueReset(seg.Ack, default, TcpFlags.Rst, now);
            CloseAndRelease(TcpTransitionCause.Abort, now);
            return false;
        }
        bool whole = true;
        int room = RcvWndRight - seq;
        if (room <= 0)
            return false;
        if (payload.Length > room)
        {
            payload = payload[..room];
            whole = false;
        }

        int rangesBefore = _recv.RangeCount;
        int advance = _recv.Write(RcvNxt, seq, payload);
        if (advance < 0)
        {
            _stack.Drop(now, TcpDropReason.OutOfOrderFull, Id, true, NetStackSummary(seg));
            AckNow();
            return false;
        }
        if (advance == 0)
        {
            // Out of order: a duplicate ACK at once tells the sender of the hole (RFC 9293 §3.8.6.3, RFC 5681 §4.2).
            AckNow();
            return whole;
        }
        RcvNxt += advance;
        _unackedBytes += advance;
        _peerSpoke = true;
        // RFC 9293 §3.8.6.3 / RFC 1122 §4.2.3.2: acknowledge at least every second full-sized segment; when a hole
        // was just filled, at once (RFC 5681 §4.2); the first segments of a connection at once when quick ACKs are on;
        // otherwise within the delayed-ACK timeout.
        if (!_settings.DelayedAck || rangesBefore > 0 || _unackedBytes >= 2 * SndMss || TakeQuickAck())
            AckNow();
        else
        {
            if (_delAckAt == Instant.MaxValue)
                _delAckAt = now + _settings.DelayedAckTimeout;
            NotePushedSegment(payload.Length);
        }
        return whole;
    }

    /// <summary>RFC 9293 §3.10.7.4 eighth: check the FIN bit (or a FIN held until the data before it arrived).</summary>
    private void ProcessFin(TcpPacket seg, Instant now, bool textWhole)
    {
        if ((seg.Flags & TcpFlags.Fin) != 0 && textWhole && !IsReleased)
        {
            SeqNum finSeq = seg.Seq + ((seg.Flags & TcpFlags.Syn) != 0 ? 1 : 0) + seg.Payload.Length;
            if (finSeq > RcvNxt && !FinReceived)
            {
                // Out of order: remember where the FIN sits and take it once the bytes before it arrive. Like any
                // out-of-order segment it earns an immediate duplicate ACK (RFC 5681 §4.2).
                _finPending = true;
                _finPendingSeq = finSeq;
                AckNow();
                return;
            }
            if (finSeq != RcvNxt)
                return;
        }
        else if (!(_finPending && _finPendingSeq == RcvNxt) || IsReleased)
        {
            return;
        }
        if (FinReceived || State is TcpState.Closed or TcpState.Listen or TcpState.SynSent)
            return;

        // Advance RCV.NXT over the FIN, tell the application (end of stream), and send an ACK for it.
        _finPending = false;
        FinReceived = true;
        RcvNxt += 1;
        RcvWndRight = SeqNum.Max(RcvWndRight, RcvNxt);
        switch (State)
        {
            case TcpState.SynReceived:
            case TcpState.Established:
                AckNow();
                SetState(TcpState.CloseWait, TcpTransitionCause.RcvFin, now);
                break;
            case TcpState.FinWait1:
                // Our FIN acknowledged (perhaps in this segment): TIME-WAIT; otherwise both sides are closing at once.
                if (FinAcked)
                {
                    EnterTimeWait(TcpTransitionCause.RcvFinAck, true, now);
                }
                else
                {
                    AckNow();
                    SetState(TcpState.Closing, TcpTransitionCause.RcvFin, now);
                }
                break;
            case TcpState.FinWait2:
                EnterTimeWait(TcpTransitionCause.RcvFin, true, now);
                break;
        }
    }

    private void AckNow()
    {
        _ackNow = true;
        _stack.MarkDirty(this);
    }

    /// <summary>RFC 9293 §3.10.3 RECEIVE: copy in-order bytes out, and reopen the window when that is worth a segment.</summary>
    public int Receive(Span<byte> destination)
    {
        int n = _recv.Read(destination);
        if (n > 0 && State is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2)
        {
            // Receiver-side SWS avoidance (RFC 9293 §3.8.6.2.2): only a window that grew by min(buffer/2, MSS) is
            // announced; a separate window update is only worth it when the last offer had fallen to half or less.
            int cap = MaxRcvWindow;
            if (_recv.Free - (int)RcvWnd >= Math.Min(cap / 2, SndMss) && RcvWnd <= (uint)(cap / 2))
                AckNow();
            else if (AckPushedReadNow())
                AckNow();
        }
        return n;
    }

    /// <summary>
    /// The window to put in an outgoing segment. Receiver-side SWS avoidance (RFC 9293 §3.8.6.2.2): the right edge
    /// moves only when it can move by at least min(buffer/2, Eff.snd.MSS), and never moves left.
    /// </summary>
    private uint AdvertiseWindow()
    {
        int cap = MaxRcvWindow;
        int free = Math.Min(_recv.Free, cap);
        int current = (int)RcvWnd;
        if (free - current >= Math.Min(cap / 2, SndMss) || (current == 0 && free == cap))
            RcvWndRight = RcvNxt + free;
        return RcvWnd;
    }

    /// <summary>
    /// The window field of a segment without SYN: <see cref="AdvertiseWindow"/> shifted right by our scale (RFC 7323
    /// §2.3). The shift is rounded up when the buffer has room, so the right edge the peer computes never lies left of
    /// one it saw before (§2.4); the rounded-up edge then becomes ours too.
    /// </summary>
    private ushort WindowField()
    {
        uint wnd = AdvertiseWindow();
        if (RcvShift == 0)
            return (ushort)Math.Min(wnd, 65535u);
        uint field = (wnd + (1u << RcvShift) - 1) >> RcvShift;
        if ((long)field << RcvShift > _recv.Free)
            field = wnd >> RcvShift;
        uint announced = field << RcvShift;
        if (announced > wnd)
            RcvWndRight = RcvNxt + (int)announced;
        return (ushort)Math.Min(field, 65535u);
    }
}
