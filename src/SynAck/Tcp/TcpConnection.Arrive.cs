using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

internal sealed partial class TcpConnection
{
    /// <summary>When the last ACK answering an invalid segment went out (<see cref="InvalidAckLimiter"/>), in nanoseconds.</summary>
    private long _invalidAckAt => _seldom?.InvalidAckAt ?? InvalidAckLimiter.Never;

    /// <summary>RFC 9293 §3.10.7: SEGMENT ARRIVES for this connection, dispatched by state.</summary>
    public void SegmentArrives(TcpPacket seg, Instant now)
    {
        if (State == TcpState.SynSent)
            SynSentArrives(seg, now);
        else if (State is not (TcpState.Closed or TcpState.Listen or TcpState.TimeWait))
            OtherwiseArrives(seg, now);
    }

    /// <summary>RFC 9293 §3.10.7.4: SYN-RECEIVED and the synchronized states, step by step in the RFC's order.</summary>
    private void OtherwiseArrives(TcpPacket seg, Instant now)
    {
        var flags = seg.Flags;
        int segLen = seg.SegmentLength;

        // A SYN-ACK repeating the SYN we already hold, in SYN-RECEIVED: its SYN is old; its ACK, and any text and FIN
        // after the SYN, are new (RFC 9293 §3.10.7.4 first: "only the new parts are processed"). This is how a
        // simultaneous open completes (figure 7, line 6), since the SYN would otherwise draw a challenge ACK.
        if (State == TcpState.SynReceived && (flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == (TcpFlags.Syn | TcpFlags.Ack)
            && seg.Seq == Irs)
        {
            if (!AcceptHandshakeAck(seg, now))
                return;
            HeardFromPeer(now);
            // Seventh and eighth steps on what follows the SYN (both skip its sequence number).
            bool synWhole = ProcessText(seg, now);
            ProcessFin(seg, now, synWhole);
            FinishFinWait1(now);
            return;
        }

        // RFC 7323 §5.3 R1: PAWS runs before the sequence-number test; an old duplicate gets an ACK and is dropped.
        if (!PassesPaws(seg, now))
        {
            if (TryTakeInvalidAck(seg, now))
                AckNow();
            _stack.Drop(now, TcpDropReason.PawsRejected, Id, true, NetStackSummary(seg));
            return;
        }

        // First: check the sequence number.
        // The allowance for an ACK at the window's right edge is not for a RST: outside the window it is dropped
        // silently (RFC 5961 §3.2).
        if (!IsAcceptable(seg.Seq, segLen) && ((flags & TcpFlags.Rst) != 0 || !IsWindowEdgeAck(seg.Seq, segLen)))
        {
            // A zero window still lets a segment at RCV.NXT carry a valid ACK (RFC 9293 §3.10.7.4 first: "special
            // allowance should be made to accept valid ACKs"); the text and FIN are dropped.
            bool ackOnly = RcvWnd == 0 && seg.Seq == RcvNxt && (flags & (TcpFlags.Ack | TcpFlags.Rst | TcpFlags.Syn)) == TcpFlags.Ack && IsSynchronized;
            if ((flags & TcpFlags.Rst) == 0 && TryTakeInvalidAck(seg, now))
            {
                // A duplicate of the SYN that opened a SYN-RECEIVED connection: answer with the SYN-ACK again (as Linux does)
                // rather than a bare ACK that SYN-SENT would drop.
                if (State == TcpState.SynReceived && (flags & TcpFlags.Syn) != 0 && seg.Seq == Irs)
                    SndNxt = Iss;
                else
                    _ackNow = true;
                _stack.MarkDirty(this);
            }
            if (ackOnly && ProcessAck(seg, now, out _))
                FinishFinWait1(now);
            NoteDuplicateSegment(seg);
            _stack.Drop(now, TcpDropReason.OutOfWindow, Id, true, NetStackSummary(seg));
            return;
        }
        // RFC 7323 §4.3 (2): the segment is acceptable, so its timestamp may become TS.Recent.
        UpdateTsRecent(seg, now);

        // Second: check the RST bit (RFC 9293 with RFC 5961 §3.2). The sequence test above already dropped a RST
        // outside the window; exactly at RCV.NXT it resets, elsewhere in the window it only earns a challenge ACK.
        if ((flags & TcpFlags.Rst) != 0)
        {
            if (seg.Seq != RcvNxt)
            {
                SendChallengeAck(now, TcpDropReason.RstChallenged, seg);
                return;
            }
            RstArrives(now);
            return;
        }

        // Third: security — nothing to check (no IPsec or compartments).

        // Fourth: check the SYN bit. In SYN-RECEIVED from a passive OPEN, return to LISTEN; in a synchronized state,
        // whatever its sequence number, answer with a challenge ACK and drop (RFC 5961 §4.2).
        if ((flags & TcpFlags.Syn) != 0)
        {
            if (State == TcpState.SynReceived && FromPassiveOpen)
            {
                ReturnToListen(TcpTransitionCause.RcvSyn, now);
                return;
            }
            SendChallengeAck(now, TcpDropReason.SynChallenged, seg);
            return;
        }

        // The segment passed the sequence, RST and SYN checks: the peer is alive (keep-alive's idle time restarts).
        HeardFromPeer(now);

        // Fifth: check the ACK field.
        if ((flags & TcpFlags.Ack) == 0)
        {
            _stack.Drop(now, TcpDropReason.NoAck, Id, true, NetStackSummary(seg));
            return;
        }
        if (State == TcpState.SynReceived && !AcceptHandshakeAck(seg, now))
            return;
        if (!ProcessAck(seg, now, out _))
            return;
        if (IsReleased)
            return;

        // Sixth: the URG bit — urgent data is not supported and is treated as ordinary data (RFC 6093 advises against its use).

        // Seventh: process the segment text.
        bool whole = ProcessText(seg, now);

        // Eighth: check the FIN bit.
        ProcessFin(seg, now, whole);
        FinishFinWait1(now);
    }

    /// <summary>
    /// RFC 9293 §3.10.7.4 fifth, SYN-RECEIVED: SND.UNA &lt; SEG.ACK =&lt; SND.NXT completes the handshake (ESTABLISHED,
    /// window taken from the segment); any other ACK gets &lt;SEQ=SEG.ACK&gt;&lt;CTL=RST&gt;. False when the segment is dropped.
    /// </summary>
    private bool AcceptHandshakeAck(TcpPacket seg, Instant now)
    {
        if (!(seg.Ack > SndUna && seg.Ack <= SndMax))
        {
            _stack.QueueControl(Id, seg.Ack, default, TcpFlags.Rst);
            _stack.Drop(now, TcpDropReason.SynReceivedBadAck, Id, true, NetStackSummary(seg));
            return false;
        }
        SndWnd = SegmentWindow(seg);
        MaxSndWnd = Math.Max(MaxSndWnd, SndWnd);
        SndWl1 = seg.Seq;
        SndWl2 = seg.Ack;
        SetState(TcpState.Established, TcpTransitionCause.RcvAck, now);
        LeaveHalfOpen();
        if (Listener is not null)
            _stack.EnqueueAccept(this);
        if (FinQueued)
            SetState(TcpState.FinWait1, TcpTransitionCause.Close, now);
        if (seg.Ack > SndUna)
        {
            SndUna = seg.Ack;
            if (!TrySampleTimestampRtt(seg, now) && _rttTiming && SndUna >= _rttSeq)
                SampleRtt(now);
            _retries = 0;
            if (SndUna == SndMax)
                StopRetransmissionTimer();
            _stack.MarkDirty(this);
        }
        return true;
    }

    /// <summary>
    /// A zero-length segment exactly at the right edge of the window (SEG.SEQ = RCV.NXT + RCV.WND). The four-case test
    /// rejects it, yet it is what a peer whose data filled our window sends as a pure ACK; RFC 9293 §3.10.7.4 asks for
    /// "special allowance ... to accept valid ACKs", and BSD and Linux accept it. Rejecting it would answer an ACK with
    /// an ACK the peer may reject in turn.
    /// </summary>
    internal bool IsWindowEdgeAck(SeqNum seq, int segLen) => segLen == 0 && seq == RcvNxt + (int)RcvWnd;

    /// <summary>RFC 9293 §3.10.7.4 first: the four cases of the acceptability test, on the window last advertised.</summary>
    internal bool IsAcceptable(SeqNum seq, int segLen)
    {
        uint wnd = RcvWnd;
        if (segLen == 0)
            return wnd == 0 ? seq == RcvNxt : seq.InWindow(RcvNxt, wnd);
        if (wnd == 0)
            return false;
        return seq.InWindow(RcvNxt, wnd) || (seq + (segLen - 1)).InWindow(RcvNxt, wnd);
    }

    /// <summary>RFC 9293 §3.10.7.4 second, for an exactly matching RST, by state.</summary>
    private void RstArrives(Instant now)
    {
        switch (State)
        {
            case TcpState.SynReceived when FromPassiveOpen:
                // Passive OPEN: back to LISTEN; the application never saw this connection (figure 8).
                ReturnToListen(TcpTransitionCause.RcvRst, now);
                return;
            case TcpState.SynReceived:
                // Active OPEN that met a simultaneous open: "connection refused".
                Fail(TcpError.Refused, now);
                CloseAndRelease(TcpTransitionCause.RcvRst, now);
                return;
            default:
                // ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT: "connection reset"; CLOSING, LAST-ACK: the close ends in a reset.
                Fail(TcpError.Reset, now);
                CloseAndRelease(TcpTransitionCause.RcvRst, now);
                return;
        }
    }

    private void ReturnToListen(TcpTransitionCause cause, Instant now)
    {
        SetState(TcpState.Listen, cause, now);
        Release();
    }

    /// <summary>
    /// RFC 5961 §3.2/§4.2: &lt;SEQ=SND.NXT&gt;&lt;ACK=RCV.NXT&gt;&lt;CTL=ACK&gt;, rate-limited (§7) first per connection, then
    /// by the stack-wide budget, as Linux does: spoofed segments against one connection cannot spend the budget of others.
    /// </summary>
    private void SendChallengeAck(Instant now, TcpDropReason reason, TcpPacket seg)
    {
        if (InvalidAckLimiter.TryTake(ref Seldom.InvalidAckAt, now, _settings.InvalidAckInterval) && _stack.TryTakeChallengeAck(now))
        {
            _ackNow = true;
            _stack.MarkDirty(this);
            _stack.Drop(now, reason, Id, true, NetStackSummary(seg));
        }
        else
        {
            _stack.Drop(now, TcpDropReason.ChallengeAckLimited, Id, true, NetStackSummary(seg));
        }
    }

    /// <summary>The per-connection limit on ACKs to invalid segments (<see cref="InvalidAckLimiter"/>); counts what it holds back.</summary>
    private bool TryTakeInvalidAck(TcpPacket seg, Instant now)
    {
        if (InvalidAckLimiter.TryTake(seg, ref Seldom.InvalidAckAt, now, _settings.InvalidAckInterval))
            return true;
        _stack.Counters.InvalidAcksLimited++;
        return false;
    }
}
