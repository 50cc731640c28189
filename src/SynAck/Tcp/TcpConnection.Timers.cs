using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

internal sealed partial class TcpConnection
{
    private Instant _rtoAt = Instant.MaxValue;
    private Instant _persistAt { get => _seldom?.PersistAt ?? Instant.MaxValue; set { if (value != Instant.MaxValue || _seldom is not null) Seldom.PersistAt = value; } }
    private Instant _delAckAt = Instant.MaxValue;
    private Instant _finWait2At { get => _seldom?.FinWait2At ?? Instant.MaxValue; set { if (value != Instant.MaxValue || _seldom is not null) Seldom.FinWait2At = value; } }
    private int _retries;
    private bool _synTimedOut { get => HasFlag(ConnectionFlags.SynTimedOut); set => SetFlag(ConnectionFlags.SynTimedOut, value); }
    private bool _rttTiming { get => HasFlag(ConnectionFlags.RttTiming); set => SetFlag(ConnectionFlags.RttTiming, value); }
    // _rttStart before _rttSeq: the runtime lays struct fields out in declaration order, so this one avoids 4 bytes of padding.
    private Instant _rttStart;
    private SeqNum _rttSeq;
    private int _dupAcks;
    private bool _inRecovery { get => HasFlag(ConnectionFlags.InRecovery); set => SetFlag(ConnectionFlags.InRecovery, value); }
    private SeqNum _recover;
    // `recover` is ahead of SND.UNA (RFC 6582 §3.2): set by a recovery or a timeout, cleared once acknowledged past.
    private bool _recoverValid { get => HasFlag(ConnectionFlags.RecoverValid); set => SetFlag(ConnectionFlags.RecoverValid, value); }

    public Instant RetransmissionDeadline => _rtoAt;

    public int Retries => _retries;

    /// <summary>The earliest of this connection's timers, or <see cref="Instant.MaxValue"/>.</summary>
    public Instant EarliestTimer()
        => Instant.Min(Instant.Min(Instant.Min(_rtoAt, _persistAt), Instant.Min(_delAckAt, _finWait2At)), Instant.Min(IdleTimers, RackTimer));

    /// <summary>Runs every timer that is due (RFC 9293 §3.10.8 timeouts, RFC 6298, RFC 1122 §4.2.3.2).</summary>
    public void OnTimers(Instant now)
    {
        if (_delAckAt <= now)
        {
            _delAckAt = Instant.MaxValue;
            TimerFired(TcpTimerKind.DelayedAck, now);
            OnDelayedAckTimeout();
            AckNow();
        }
        // A loss probe due no later than the RTO goes instead of it (RFC 8985 §7.2, as Linux clamps the PTO to the RTO).
        OnRackTimers(now);
        if (_rtoAt <= now)
        {
            _rtoAt = Instant.MaxValue;
            TimerFired(TcpTimerKind.Retransmission, now);
            OnRetransmissionTimeout(now);
            if (IsReleased)
                return;
        }
        if (_persistAt <= now)
        {
            _persistAt = Instant.MaxValue;
            TimerFired(TcpTimerKind.Persist, now);
            _forceProbe = true;
            _stack.MarkDirty(this);
        }
        if (_finWait2At <= now)
        {
            _finWait2At = Instant.MaxValue;
            TimerFired(TcpTimerKind.FinWait2, now);
            if (State == TcpState.FinWait2)
            {
                Fail(TcpError.TimedOut, now);
                CloseAndRelease(TcpTransitionCause.Timeout, now);
                return;
            }
        }
        OnIdleTimers(now);
    }

    /// <summary>
    /// RFC 6298 §5.4–5.6: retransmit the earliest unacknowledged segment, back the timer off, restart it; after too
    /// many tries (SYN retries, SYN-ACK retries, or R2 of RFC 1122 §4.2.3.5) give the connection up as timed out.
    /// </summary>
    private void OnRetransmissionTimeout(Instant now)
    {
        if (SndUna == SndMax)
            return;
        _retries++;
        _stack.Counters.RetransmissionTimeouts++;
        int limit = State switch
        {
            TcpState.SynSent => _settings.SynRetries,
            TcpState.SynReceived => _settings.SynAckRetries,
            _ => _settings.DataRetries,
        };
        if (_retries > limit)
        {
            // A half-open passive connection was never seen by the application: it just goes (no error to report).
            if (!(State == TcpState.SynReceived && FromPassiveOpen))
                Fail(TcpError.TimedOut, now);
            CloseAndRelease(TcpTransitionCause.Timeout, now);
            return;
        }
        _rtt.BackOff();
        NoteTimeoutForRttm(now);
        if (State is TcpState.SynSent or TcpState.SynReceived)
            _synTimedOut = true;
        // A timeout behind a zero window is a persist probe going unanswered (RFC 9293 §3.8.6.1), not a loss.
        if (IsSynchronized && SndWnd != 0)
        {
            // RFC 5681 §3.1 (4): ssthresh from the algorithm, cwnd = loss window (1 SMSS). A further timeout of the same
            // loss keeps ssthresh (as Linux does): the flight it would halve is already the loss window.
            if (_retries == 1)
            {
                PrepareRtoUndo(now);
                _cc.OnRto(BytesInFlight, now);
            }
            else
                Cwnd = SndMss;
            _inRecovery = false;
            _dupAcks = 0;
            // RFC 6582 §3.2, RFC 6675 §5.1: recover = SND.MAX, so duplicate ACKs of the go-back-N resends below it do not
            // start a second recovery.
            _recover = SndMax;
            _recoverValid = true;
            _sackRecovery = false;
            _resendUna = false;
            _unaRetransmitted = false;
            ResetRack();
            _undoArmed = false;
            // RFC 2018 §8: the receiver may renege on SACKed data. The first timeout trusts the scoreboard and resends only
            // what it does not hold (RFC 6675 §5.1 leaves the choice open); a second one in a row forgets it.
            if (_retries > 1)
                _scoreboard.Clear();
        }
        _rttTiming = false;
        // Go back to SND.UNA: everything after it is sent again as the windows allow.
        SndNxt = SndUna;
        if (SndWnd == 0 && IsSynchronized)
            _forceProbe = true;
        _stack.MarkDirty(this);
    }

    private void TimerFired(TcpTimerKind kind, Instant now)
    {
        if (_stack.HasObservers)
            _stack.Emit(new TcpEvent { Kind = TcpEventKind.TimerFired, Time = now, Connection = Id, Timer = kind });
    }

    private void StopRetransmissionTimer() => _rtoAt = Instant.MaxValue;

    private void RestartRetransmissionTimer(Instant now) => _rtoAt = now + _rtt.Rto;

    /// <summary>FIN-WAIT-2 must not last forever once the application has closed (Linux <c>tcp_fin_timeout</c>).</summary>
    private void ArmFinWait2(Instant now)
    {
        if (State == TcpState.FinWait2 && UserClosed && _finWait2At == Instant.MaxValue)
            _finWait2At = now + _settings.FinWait2Timeout;
    }

    private void ClearTimers()
    {
        _rtoAt = Instant.MaxValue;
        _tlpAt = Instant.MaxValue;
        _reoAt = Instant.MaxValue;
        _persistAt = Instant.MaxValue;
        _delAckAt = Instant.MaxValue;
        _finWait2At = Instant.MaxValue;
        if (_seldom is not null)
        {
            _seldom.KeepAliveAt = Instant.MaxValue;
            _seldom.UserTimeoutAt = Instant.MaxValue;
        }
    }
}
