using SynAck.Time;

namespace SynAck.Stack;

public sealed partial class NetStack
{
    /// <summary>
    /// Switches keep-alive on or off for one connection (RFC 1122 §4.2.3.6), with the idle time, interval and probe
    /// count it has (from <see cref="Tcp.TcpSettings"/> unless set with the other overload).
    /// </summary>
    public void SetKeepAlive(TcpHandle handle, bool enabled, Instant now)
    {
        _lastNow = now;
        var c = Get(handle);
        c.KeepAlive = enabled;
        c.ResetKeepAliveTimer();
        Reschedule(c);
    }

    /// <summary>
    /// Switches keep-alive on for one connection: after <paramref name="idle"/> without a segment from the peer, a probe
    /// every <paramref name="interval"/>; after <paramref name="probes"/> unanswered ones the connection fails with
    /// <see cref="Tcp.TcpError.TimedOut"/>. The idle time counts from the last segment heard.
    /// </summary>
    public void SetKeepAlive(TcpHandle handle, Duration idle, Duration interval, int probes, Instant now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idle, Duration.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, Duration.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(probes);
        var c = Get(handle);
        c.KeepAliveIdle = idle;
        c.KeepAliveInterval = interval;
        c.KeepAliveProbes = probes;
        c.KeepAlive = true;
        c.ResetKeepAliveTimer();
        _lastNow = now;
        Reschedule(c);
    }

    /// <summary>
    /// RFC 5482 USER TIMEOUT for one connection: how long sent data may stay unacknowledged before the connection fails
    /// with <see cref="Tcp.TcpError.TimedOut"/>, counted from now or from the last advance of SND.UNA;
    /// <see cref="Duration.Zero"/> for none (the retry counts decide).
    /// </summary>
    public void SetUserTimeout(TcpHandle handle, Duration timeout, Instant now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, Duration.Zero);
        _lastNow = now;
        var c = Get(handle);
        c.UserTimeout = timeout;
        c.ResetUserTimeoutTimer();
        Reschedule(c);
    }
}
