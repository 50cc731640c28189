using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// A connection's keep-alive (RFC 1122 §4.2.3.6) and user timeout (RFC 5482): its settings and their two timers.
/// Both are off by default, so a connection makes this only when one of them is switched on (by the stack's settings
/// or a call on the connection); until then it reads the stack's settings and both timers are unarmed.
/// </summary>
internal sealed class KeepAliveState(TcpSettings settings)
{
    public bool Enabled { get; set; } = settings.KeepAlive;

    public Duration Idle { get; set; } = settings.KeepAliveIdle;

    public Duration Interval { get; set; } = settings.KeepAliveInterval;

    public int Probes { get; set; } = settings.KeepAliveProbes;

    public Duration UserTimeout { get; set; } = settings.UserTimeout;

    public Instant KeepAliveAt { get; set; } = Instant.MaxValue;

    public Instant UserTimeoutAt { get; set; } = Instant.MaxValue;

    /// <summary>Keep-alive probes sent since the peer was last heard from.</summary>
    public int ProbesOut { get; set; }

    /// <summary>SND.UNA when the user-timeout clock last started: it restarts whenever SND.UNA moves.</summary>
    public SeqNum UserTimeoutUna { get; set; }

    /// <summary>The earlier of the two timers.</summary>
    public Instant Next => Instant.Min(KeepAliveAt, UserTimeoutAt);
}
