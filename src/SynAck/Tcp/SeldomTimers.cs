using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// The timers most connections never arm, with the settings they use: keep-alive (RFC 1122 §4.2.3.6) and the user
/// timeout (RFC 5482), both off by default; the persist timer (RFC 9293 §3.8.6.1, a zero window with data waiting);
/// the FIN-WAIT-2 timeout of a connection the application has closed; and when the last ACK answering an invalid
/// segment went out (RFC 5961 §7's limit). A connection makes this when one of them is first switched on, armed or
/// taken; until then it reads the stack's settings, every one of these timers is unarmed and no invalid ACK was sent.
/// </summary>
internal sealed class SeldomTimers(TcpSettings settings)
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

    public Instant PersistAt { get; set; } = Instant.MaxValue;

    public Instant FinWait2At { get; set; } = Instant.MaxValue;

    /// <summary>When the last ACK answering an invalid segment went out, in nanoseconds (a field: <see cref="InvalidAckLimiter"/> takes it by reference).</summary>
    public long InvalidAckAt = InvalidAckLimiter.Never;

    /// <summary>The earlier of the keep-alive and user-timeout timers.</summary>
    public Instant NextIdle => Instant.Min(KeepAliveAt, UserTimeoutAt);
}
