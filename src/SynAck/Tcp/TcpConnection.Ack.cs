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
        PrrBeforeAck();
        if (ack > SndUna)
        {
            int acked = ack - SndUna;
            CheckSpuriousRto(seg);
            SndUna = ack;
            _scoreboard.DropBelow(SndUna);
            if (SndNxt < SndUna)
                SndNxt = SndUna;
            // Bytes of the send buffer now acknowledged (the FIN's sequence number is not a byte).
            int dataAcked = Math.Clamp(ack - SndBufStart, 0, _send.Count);
            _send.Consume(dataAcked);
            SndBufStart += dataAcked;
            DropAckedPushMarks();
            // RFC 6298 §3 / Karn: only a segment sent once yields an RTT sample.
            long samples = _rtt.SampleCount;
            if (!TrySampleTimestampRtt(seg, now) && _rttTiming && ack >= _rttSeq)
                SampleRtt(now);
            if (_rtt.SampleCount != samples)
                _cc.OnRttSample(_rtt.Latest, ack, SndNxt);
            _retries = 0;
            _rtt.ClearBackoffCount();
            OnNewAck(acked, now);
            RackOnNewAck(now);
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
        TakeSackBlocks(seg, now);
        TlpEpisodeOnAck(seg, now);
        PrrOnAck();

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

    /// <summary>
    /// A new cumulative ACK: ends or continues recovery (RFC 6582 §3.2 full and partial ACKs), otherwise grows cwnd as
    /// the algorithm says — only when the sender was cwnd-limited (RFC 7661).
    /// </summary>
    private void OnNewAck(int acked, Instant now)
    {
        _dupAcks = 0;
        if (_inRecovery)
        {
            if (SndUna >= _recover)
            {
                _inRecovery = false;
                _recoverValid = false;
                _rxLog?.Clear();
                if (_sackRecovery)
                {
                    _sackRecovery = false;
                    Cwnd = Ssthresh;
                }
                else
                {
                    // RFC 6582 §3.2 step 3 (full ACK): cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS), no burst.
                    Cwnd = Math.Min(Ssthresh, Math.Max(BytesInFlight, SndMss) + SndMss);
                }
                return;
            }
            if (!_sackRecovery)
            {
                // RFC 6582 §3.2 step 4 (partial ACK): the next hole is lost too and goes at once; cwnd deflates by the
                // amount acknowledged, plus back one SMSS when that was at least one SMSS.
                _retransmitFirst = true;
                Cwnd = Math.Max(Cwnd - acked + (acked >= SndMss ? SndMss : 0), SndMss);
            }
            return;
        }
        if (_recoverValid && SndUna >= _recover)
            _recoverValid = false;
        if (IsCwndLimited)
            _cc.OnAck(acked, now, _rtt.HasSample ? _rtt.Srtt : _rtt.Rto, _settings.SlowStartAckLimit);
    }

    /// <summary>
    /// RFC 5681 §3.2: the third duplicate ACK triggers fast retransmit and recovery; in NewReno recovery each further one
    /// inflates cwnd by one SMSS (step 4), which lets new data go (step 5).
    /// </summary>
    private void OnDuplicateAck(TcpPacket seg, Instant now)
    {
        // A duplicate ACK (RFC 5681 §2): no data, no SYN/FIN, same window, and data outstanding. Behind a zero window
        // nothing is outstanding — the persist probe's byte is expected to be dropped — so its answers are not counted.
        if (seg.Payload.Length != 0 || (seg.Flags & (TcpFlags.Syn | TcpFlags.Fin)) != 0 || SegmentWindow(seg) != SndWnd || SndMax == SndUna
            || SndWnd == 0)
            return;
        _dupAcks++;
        if (_inRecovery)
        {
            if (!_sackRecovery)
            {
                Cwnd = (int)Math.Min((long)Cwnd + SndMss, 1 << 30);
                _stack.MarkDirty(this);
            }
            return;
        }
        // RFC 6582 §3.2 step 2: only when the ACK covers more than `recover` (set by the last recovery or timeout);
        // duplicates of data a go-back-N retransmission resent are not a new loss.
        if (_dupAcks == 3 && !_recoverValid && !CountsByTimeOnly)
            EnterRecovery(now);
        else if (_dupAcks < 3)
            _stack.MarkDirty(this); // RFC 3042: the first two may each let a new segment go
    }

    /// <summary>
    /// RFC 5681 §3.2 / RFC 6675 §5: the algorithm sets ssthresh and cwnd, recovery lasts until SND.MAX is acknowledged.
    /// Without SACK the segment at SND.UNA goes again at once and cwnd = ssthresh + 3·SMSS (NewReno); with SACK the
    /// first segment at once (step 4.3) and then the holes, as pipe allows.
    /// </summary>
    private void EnterRecovery(Instant now)
    {
        ResetRack();
        ArmRecoveryUndo();
        _cc.OnLoss(BytesInFlight, now);
        _inRecovery = true;
        _recover = SndMax;
        _recoverValid = true;
        _stack.Counters.FastRecoveries++;
        if (SackOk)
        {
            _stack.Counters.SackRecoveries++;
            _sackRecovery = true;
            _sackFirstPending = true;
            _highRxt = SndUna;
            _unaRetransmitted = false;
            _resendUna = false;
            _rescueRxtValid = false;
            StartPrr();
        }
        else
        {
            Cwnd = (int)Math.Min((long)Ssthresh + 3 * SndMss, 1 << 30);
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
