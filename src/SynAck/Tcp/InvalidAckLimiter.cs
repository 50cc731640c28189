using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// The per-connection limit on ACKs sent in answer to invalid segments — out of window, PAWS-rejected, challenged
/// (RFC 5961 §7) — as Linux's <c>tcp_invalid_ratelimit</c>: at most one per <see cref="TcpSettings.InvalidAckInterval"/>.
/// It keeps two ends that reject each other's ACKs from looping, and keeps spoofed segments against one connection
/// from spending the stack-wide challenge-ACK budget that every other connection shares (CVE-2016-5696).
/// </summary>
internal static class InvalidAckLimiter
{
    /// <summary>The value of a "last answered at" field when nothing was answered yet.</summary>
    public const long Never = long.MinValue;

    /// <summary>
    /// Whether an ACK may answer <paramref name="seg"/> now; when it may, the time is recorded in <paramref name="lastAt"/>.
    /// A segment carrying data (without SYN) is always answered: the ACK tells a real sender where we are, and a blind
    /// attacker gains nothing it could not learn from data it sends anyway (Linux exempts it likewise).
    /// </summary>
    public static bool TryTake(TcpPacket seg, ref long lastAt, Instant now, Duration interval)
    {
        if (!seg.Payload.IsEmpty && (seg.Flags & TcpFlags.Syn) == 0)
            return true;
        return TryTake(ref lastAt, now, interval);
    }

    /// <inheritdoc cref="TryTake(TcpPacket, ref long, Instant, Duration)"/>
    public static bool TryTake(ref long lastAt, Instant now, Duration interval)
    {
        if (interval > Duration.Zero && lastAt != Never && now.Nanoseconds - lastAt < interval.Nanoseconds)
            return false;
        lastAt = now.Nanoseconds;
        return true;
    }
}
