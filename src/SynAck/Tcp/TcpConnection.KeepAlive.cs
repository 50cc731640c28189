using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

internal sealed partial class TcpConnection
{
    /// <summary>When a segment last passed the sequence test (what keep-alive's idle time counts from).</summary>
    private Instant _lastHeardAt;

    /// <summary>Made when keep-alive or a user timeout is first switched on, or a persist or FIN-WAIT-2 timer armed.</summary>
    private SeldomTimers? _seldom;

    private SeldomTimers Seldom => _seldom ??= new SeldomTimers(_settings);

    /// <summary>Keep-alive switched on for this connection (RFC 1122 §4.2.3.6: off unless the application asks).</summary>
    public bool KeepAlive
    {
        get => _seldom?.Enabled ?? _settings.KeepAlive;
        set => Seldom.Enabled = value;
    }

    /// <summary>Idle time before the first keep-alive probe.</summary>
    public Duration KeepAliveIdle
    {
        get => _seldom?.Idle ?? _settings.KeepAliveIdle;
        set => Seldom.Idle = value;
    }

    /// <summary>Time between unanswered keep-alive probes.</summary>
    public Duration KeepAliveInterval
    {
        get => _seldom?.Interval ?? _settings.KeepAliveInterval;
        set => Seldom.Interval = value;
    }

    /// <summary>Unanswered probes after which the peer is taken for dead.</summary>
    public int KeepAliveProbes
    {
        get => _seldom?.Probes ?? _settings.KeepAliveProbes;
        set => Seldom.Probes = value;
    }

    /// <summary>RFC 5482 USER TIMEOUT: how long sent data may stay unacknowledged; <see cref="Duration.Zero"/> for none.</summary>
    public Duration UserTimeout
    {
        get => _seldom?.UserTimeout ?? _settings.UserTimeout;
        set => Seldom.UserTimeout = value;
    }

    /// <summary>Keep-alive probes sent since the peer was last heard from.</summary>
    public int KeepAliveProbesOut => _seldom?.ProbesOut ?? 0;

    private void InitKeepAlive(Instant now)
    {
        if (_settings.KeepAlive || _settings.UserTimeout > Duration.Zero)
            _seldom = new SeldomTimers(_settings);
        _lastHeardAt = now;
    }

    /// <summary>An acceptable segment arrived: the peer is alive (RFC 1122 §4.2.3.6 counts idle time from it).</summary>
    private void HeardFromPeer(Instant now)
    {
        _lastHeardAt = now;
        if (_seldom is { } k)
        {
            k.ProbesOut = 0;
            // Re-armed from now by UpdateIdleTimers, which follows every arrival.
            k.KeepAliveAt = Instant.MaxValue;
        }
    }

    /// <summary>The keep-alive settings changed: the timer is armed afresh by the next <see cref="UpdateIdleTimers"/>.</summary>
    public void ResetKeepAliveTimer()
    {
        if (_seldom is not null)
            _seldom.KeepAliveAt = Instant.MaxValue;
    }

    /// <summary>The user timeout changed: its clock starts afresh at the next <see cref="UpdateIdleTimers"/>.</summary>
    public void ResetUserTimeoutTimer()
    {
        if (_seldom is not null)
            _seldom.UserTimeoutAt = Instant.MaxValue;
    }

    private Instant IdleTimers => _seldom?.NextIdle ?? Instant.MaxValue;

    /// <summary>
    /// Arms or disarms the keep-alive and user-timeout timers after anything that may have changed what they watch
    /// (a segment, output, a timer, a user call); the stack calls it before it files the connection's next deadline.
    /// </summary>
    public void UpdateIdleTimers(Instant now)
    {
        if (IsReleased || _seldom is not { } k)
            return;
        // RFC 5482 §3 / RFC 9293 §3.10.2: the clock runs while something sent (a SYN, data, a FIN) or queued waits for
        // its acknowledgment, and starts again whenever SND.UNA advances.
        bool waiting = SndMax != SndUna || SendQueued > 0;
        if (UserTimeout <= Duration.Zero || !waiting || State is TcpState.Closed or TcpState.Listen or TcpState.TimeWait)
        {
            k.UserTimeoutAt = Instant.MaxValue;
        }
        else if (k.UserTimeoutAt == Instant.MaxValue || SndUna != k.UserTimeoutUna)
        {
            k.UserTimeoutUna = SndUna;
            k.UserTimeoutAt = now + UserTimeout;
        }

        if (!KeepAlive || !IsSynchronized)
            k.KeepAliveAt = Instant.MaxValue;
        else if (k.KeepAliveAt == Instant.MaxValue)
            k.KeepAliveAt = k.ProbesOut > 0 ? now + KeepAliveInterval : _lastHeardAt + KeepAliveIdle;
    }

    /// <summary>Runs the keep-alive and user-timeout timers when due.</summary>
    private void OnIdleTimers(Instant now)
    {
        if (_seldom is not { } k)
            return;
        if (k.UserTimeoutAt <= now)
        {
            k.UserTimeoutAt = Instant.MaxValue;
            TimerFired(TcpTimerKind.UserTimeout, now);
            if ((SndMax != SndUna || SendQueued > 0) && SndUna == k.UserTimeoutUna)
            {
                GiveUp(now);
                return;
            }
        }
        if (k.KeepAliveAt <= now)
        {
            k.KeepAliveAt = Instant.MaxValue;
            TimerFired(TcpTimerKind.KeepAlive, now);
            OnKeepAliveTimeout(now);
        }
    }

    /// <summary>
    /// RFC 1122 §4.2.3.6: after <see cref="KeepAliveIdle"/> without a segment from the peer, probe; after
    /// <see cref="KeepAliveProbes"/> unanswered probes, <see cref="KeepAliveInterval"/> apart, the connection is dead.
    /// While data is outstanding the retransmission timer watches the peer instead (as Linux does).
    /// </summary>
    private void OnKeepAliveTimeout(Instant now)
    {
        if (_seldom is not { Enabled: true } k || !IsSynchronized)
            return;
        if (SndMax != SndUna || SendQueued > 0)
        {
            k.KeepAliveAt = now + KeepAliveIdle;
            return;
        }
        Duration idle = now - _lastHeardAt;
        if (idle < KeepAliveIdle)
        {
            k.KeepAliveAt = _lastHeardAt + KeepAliveIdle;
            return;
        }
        // With a user timeout the probes go on until it has passed (RFC 5482 §4.2 lets it bound keep-alive too; Linux).
        bool dead = UserTimeout > Duration.Zero
            ? k.ProbesOut > 0 && idle >= UserTimeout
            : k.ProbesOut >= KeepAliveProbes;
        if (dead)
        {
            GiveUp(now);
            return;
        }
        SendKeepAliveProbe(now);
        k.ProbesOut++;
        k.KeepAliveAt = now + KeepAliveInterval;
    }

    /// <summary>
    /// The probe of RFC 1122 §4.2.3.6: &lt;SEQ=SND.UNA−1&gt;&lt;ACK=RCV.NXT&gt;&lt;CTL=ACK&gt; without data. Its sequence number
    /// lies just left of the peer's window, so a live peer must answer it with an ACK (RFC 9293 §3.10.7.4 first).
    /// </summary>
    private void SendKeepAliveProbe(Instant now)
    {
        if (TimestampsOk)
            _stack.QueueTimestampedAck(Id, SndUna - 1, RcvNxt, WindowField(), TsVal(now), TsRecent);
        else
            _stack.QueueControl(Id, SndUna - 1, RcvNxt, TcpFlags.Ack, WindowField());
        _stack.Counters.KeepAliveProbes++;
    }

    /// <summary>The peer is taken for dead: tell it with a RST (as Linux does) and fail the connection with TimedOut.</summary>
    private void GiveUp(Instant now)
    {
        if (IsSynchronized || State == TcpState.SynReceived)
            QueueReset(SndMax, RcvNxt, TcpFlags.Rst | TcpFlags.Ack, now);
        if (!(State == TcpState.SynReceived && FromPassiveOpen))
            Fail(TcpError.TimedOut, now);
        CloseAndRelease(TcpTransitionCause.Timeout, now);
    }
}
