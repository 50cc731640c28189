using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Sockets;

public sealed partial class SynAckConnection
{
    /// <summary>
    /// Switches keep-alive on for this connection (RFC 1122 §4.2.3.6, like <c>SO_KEEPALIVE</c> with <c>TCP_KEEPIDLE</c>,
    /// <c>TCP_KEEPINTVL</c> and <c>TCP_KEEPCNT</c>): after <paramref name="idle"/> without a segment from the peer, a
    /// probe every <paramref name="interval"/>; after <paramref name="probes"/> unanswered ones the connection fails
    /// with <see cref="System.Net.Sockets.SocketError.TimedOut"/>. Completes once the event loop has applied it; on a
    /// connection that is already gone it does nothing.
    /// </summary>
    public Task SetKeepAliveAsync(TimeSpan idle, TimeSpan interval, int probes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idle, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(probes);
        return ApplyAsync(s => s.SetKeepAlive(Handle, Duration.FromTimeSpan(idle), Duration.FromTimeSpan(interval), probes, Host.Now()));
    }

    /// <summary>Switches keep-alive off for this connection (it is off unless the host's settings or <see cref="SetKeepAliveAsync"/> turned it on).</summary>
    public Task DisableKeepAliveAsync() => ApplyAsync(s => s.SetKeepAlive(Handle, false, Host.Now()));

    /// <summary>
    /// RFC 5482 USER TIMEOUT for this connection (like <c>TCP_USER_TIMEOUT</c>): how long sent data may stay
    /// unacknowledged before the connection fails with <see cref="System.Net.Sockets.SocketError.TimedOut"/>;
    /// <see cref="TimeSpan.Zero"/> for none.
    /// </summary>
    public Task SetUserTimeoutAsync(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        return ApplyAsync(s => s.SetUserTimeout(Handle, Duration.FromTimeSpan(timeout), Host.Now()));
    }

    private Task ApplyAsync(Action<Stack.NetStack> apply)
        => Host.InvokeAsync(s =>
        {
            if (s.State(Handle) != TcpState.Closed)
                apply(s);
            return true;
        });
}
