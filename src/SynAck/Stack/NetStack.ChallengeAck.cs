using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Stack;

public sealed partial class NetStack
{
    private readonly IRandomSource _random;
    private long _challengeSecond = long.MinValue;
    private int _challengeBudget;

    /// <summary>
    /// RFC 5961 §7: the stack-wide challenge-ACK limit, after each connection's own (<see cref="InvalidAckLimiter"/>).
    /// The budget of each second is drawn afresh from the random source, between half and one and a half times
    /// <see cref="TcpSettings.ChallengeAckLimit"/>, as Linux does since CVE-2016-5696: with a fixed budget, an off-path
    /// attacker who spends it and counts the challenge ACKs it gets back learns whether a guessed segment hit another
    /// connection. The draw happens only in a second that needs one, so a quiet stack draws nothing.
    /// </summary>
    internal bool TryTakeChallengeAck(Instant now)
    {
        long second = now.Nanoseconds / 1_000_000_000;
        if (second != _challengeSecond)
        {
            _challengeSecond = second;
            int limit = Settings.ChallengeAckLimit;
            _challengeBudget = limit == 0 ? 0 : (limit + 1) / 2 + (int)(_random.NextUInt64() % (ulong)limit);
        }
        if (_challengeBudget <= 0)
            return false;
        _challengeBudget--;
        Counters.ChallengeAcks++;
        return true;
    }
}
