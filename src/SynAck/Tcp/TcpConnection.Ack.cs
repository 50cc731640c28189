using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

internal sealed partial class TcpConnection
{
    /// <summary>
    /// RFC 9293 §3.10.7.4 fifth, for ESTABLISHED and the states after it: advance SND.UNA, take RTT samples, update
    /// the send window, and apply each closing state's extra rule. Returns false when the segment must be dropped.
    /// <paramref name="ourFinAcked"/> says this segment acknowledged our FIN (FIN-WAIT-1 waits for the eighth step
    /// to choose between FIN-WAIT-2 and TIME-WAIT).
    /// </summary>
    private bool ProcessAck(TcpPacket seg, Instant now, out bool ourFinAcked)
    {
        ourFinAcked = false;
        var ack = seg.Ack;

        // SEG.ACK > SND.NXT acknowledges something not yet sent: send an ACK, drop the segment, return.
        if (ack > SndMax)
        {
            _ackNow = true;
            _stack.MarkDirty(this);
            _stack.Drop(now, TcpDropReason.AckAboveSndNxt, Id, true, NetStackSummary(seg));
            return false;
        }
        // RFC 5961 §5.2: an ACK older than SND.UNA − MAX.SND.WND is not believable either.
        if (ack < SndUna - (int)Math.Max(MaxSndWnd, 1u))
        {
            SendChallengeAck(now, TcpDropReason.AckTooOld, seg);
            return false;
        }

        bool wasFinAcked = FinAcked;
        if (ack > SndUna)
        {
            int acked = ack - SndUna;
            SndUna = ack;
            _scoreboard.DropBelow(SndUna);
            if (SndNxt < SndUna)
                SndNxt = SndUna;
            // Bytes of the send buffer now acknowledged (the FIN's sequence number is not a byte).
            int dataAcked = Math.Clamp(ack - SndBufStart, 0, _send.Count);
            _send.Consume(dataAcked);
            SndBufStart += dataAcked;
            // RFC 6298 §3 / Karn: only a segment sent once yields an RTT sample.
            if (!TrySampleTimestampRtt(seg, now) && _rttTiming && ack >= _rttSeq)
                SampleRtt(now);
            _retries = 0;
            _rtt.ClearBackoffCount();
            OnNewAck(acked);
            // RFC 6298 §5.2, §5.3: all acknowledged → stop the timer; otherwise restart it.
            if (SndUna == SndMax)
                StopRetransmissionTimer();
            else
                RestartRetransmissionTimer(now);
            _stack.MarkDirty(this);
        }
        else if (ack == SndUna)
        {
            OnDuplicateAck(seg, now);
        }

        // RFC 2018 / RFC 6675: what the receiver holds above SND.UNA.
        TakeSackBlocks(seg);

        // Window update (RFC 9293 §3.10.7.4 fifth): only for SND.UNA =< SEG.ACK =< SND.NXT, and then when
        // SND.WL1 < SEG.SEQ, or SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK.
        if (ack >= SndUna && (SndWl1 < seg.Seq || (SndWl1 == seg.Seq && SndWl2 <= ack)))
            UpdateWindow(seg);

        // The receiver is alive and answering probes: a zero window may last as long as it likes (RFC 9293 §3.8.6.1).
        if (SndWnd == 0 && ack == SndUna)
            _retries = 0;

        ourFinAcked = !wasFinAcked && FinAcked;
        switch (State)
        {
            // FIN-WAIT-1 with our FIN acknowledged: FIN-WAIT-2, or TIME-WAIT when the eighth step finds the peer's FIN
            // in this same segment (figure 5's "rcv FIN, ACK of FIN"); decided in FinishFinWait1 after that step.
            case TcpState.Closing when FinAcked:
                EnterTimeWait(TcpTransitionCause.RcvAck, false, now);
                return false;
            case TcpState.LastAck when FinAcked:
                CloseAndRelease(TcpTransitionCause.RcvAck, now);
                return false;
        }
        return true;
    }

    private void UpdateWindow(TcpPacket seg)
    {
        uint old = SndWnd;
        SndWnd = SegmentWindow(seg);
        SndWl1 = seg.Seq;
        SndWl2 = seg.Ack;
        MaxSndWnd = Math.Max(MaxSndWnd, SndWnd);
        // RFC 9293 §3.8.6.1: whatever went past a zero window (the probe's byte) was dropped by the receiver, which
        // answered with SEG.ACK = SND.UNA. When the window reopens, send again from SND.UNA (as BSD does) rather than
        // leave a hole that only a backed-off retransmission timeout would fill.
        if (old == 0 && SndWnd > 0 && SndNxt > SndUna)
            SndNxt = SndUna;
        if (SndWnd > old)
        {
            _persistAt = Instant.MaxValue;
            _stack.MarkDirty(this);
        }
    }

    /// <summary>RFC 5681 §3.1: slow start below ssthresh, congestion avoidance above; NewReno partial ACKs (RFC 6582).</summary>
    private void OnNewAck(int acked)
    {
        _dupAcks = 0;
        if (_inRecovery)
        {
            if (SndUna >= _recover)
            {
                _inRecovery = false;
                _sackRecovery = false;
                Cwnd = Ssthresh;
            }
            else
            {
                // Partial ACK: the next hole is lost too; retransmit it at once (with SACK the scoreboard knows the holes).
                if (!_sackRecovery)
                    _retransmitFirst = true;
                return;
            }
        }
        if (Cwnd < Ssthresh)
            Cwnd += Math.Min(acked, SndMss);
        else
            Cwnd += Math.Max(1, SndMss * SndMss / Math.Max(Cwnd, 1));
        Cwnd = Math.Min(Cwnd, 1 << 30);
    }

    /// <summary>RFC 5681 §3.2: the third duplicate ACK triggers fast retransmit and recovery.</summary>
    private void OnDuplicateAck(TcpPacket seg, Instant now)
    {
        // A duplicate ACK (RFC 5681 §2): no data, no SYN/FIN, same window, and data outstanding. Behind a zero window
        // nothing is outstanding — the persist probe's byte is expected to be dropped — so its answers are not counted.
        if (seg.Payload.Length != 0 || (seg.Flags & (TcpFlags.Syn | TcpFlags.Fin)) != 0 || SegmentWindow(seg) != SndWnd || SndMax == SndUna
            || SndWnd == 0)
            return;
        _dupAcks++;
        if (_dupAcks == 3 && !_inRecovery)
            EnterRecovery();
        else if (_dupAcks < 3)
            _stack.MarkDirty(this); // RFC 3042: the first two may each let a new segment go
        _ = now;
    }

    /// <summary>
    /// RFC 5681 §3.2 / RFC 6675 §5: ssthresh = cwnd = max(FlightSize / 2, 2·SMSS) and recovery until SND.MAX is
    /// acknowledged. Without SACK the segment at SND.UNA goes again at once (NewReno); with SACK the holes do, as pipe allows.
    /// </summary>
    private void EnterRecovery()
    {
        Ssthresh = Math.Max(BytesInFlight / 2, 2 * SndMss);
        Cwnd = Ssthresh;
        _inRecovery = true;
        _recover = SndMax;
        _stack.Counters.FastRecoveries++;
        if (SackOk)
        {
            _stack.Counters.SackRecoveries++;
            _sackRecovery = true;
            _sackFirstPending = true;
            _highRxt = SndUna;
            _unaRetransmitted = false;
            _resendUna = false;
        }
        else
        {
            _retransmitFirst = true;
        }
        _rttTiming = false;
        _stack.MarkDirty(this);
    }

    private void SampleRtt(Instant now)
    {
        _rtt.Sample(now - _rttStart);
        _rttTiming = false;
    }

    /// <summary>RFC 9293 §3.10.7.4 fifth, FIN-WAIT-1: "if the FIN segment is now acknowledged, then enter FIN-WAIT-2".</summary>
    private void FinishFinWait1(Instant now)
    {
        if (State == TcpState.FinWait1 && FinAcked && !IsReleased)
        {
            SetState(TcpState.FinWait2, TcpTransitionCause.RcvAck, now);
            ArmFinWait2(now);
        }
    }
}
