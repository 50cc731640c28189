using SynAck.Time;

namespace SynAck.Analysis.Conversations;

/// <summary>Settings for <see cref="ConversationAnalyzer"/>.</summary>
public sealed class AnalyzerOptions
{
    /// <summary>A connection silent this long is finished as timed out (Zeek's <c>tcp_inactivity_timeout</c> is 5 minutes).</summary>
    public Duration IdleTimeout { get; init; } = Duration.FromSeconds(300);

    /// <summary>
    /// How long a connection that ended (both FINs, or a reset) is kept after its last packet, so late
    /// retransmissions still count as its own, before its record is emitted and its memory freed.
    /// </summary>
    public Duration CloseLinger { get; init; } = Duration.FromSeconds(4);

    /// <summary>The TIME_WAIT window used for reuse statistics: 2 × MSL, 60 s on Linux.</summary>
    public Duration TimeWaitWindow { get; init; } = Duration.FromSeconds(60);

    /// <summary>Segments kept per connection for ladder diagrams (0: none).</summary>
    public int LadderSegmentLimit { get; init; }

    /// <summary>Keep ladder segments only for this stream (null: for every connection, up to the limit).</summary>
    public long? LadderStream { get; init; }

    /// <summary>Frame numbers kept per connection and expert flag (0: counts only).</summary>
    public int ExpertFrameLimit { get; init; }

    /// <summary>
    /// Verify TCP checksums and treat bad ones as Zeek does (history 'c', segment otherwise ignored). Off by
    /// default, as in Wireshark: captures taken on the sending host hold checksums the NIC fills in later.
    /// </summary>
    public bool VerifyChecksums { get; init; }
}
