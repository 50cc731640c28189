using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp.Congestion;

/// <summary>
/// HyStart++ (RFC 9406): slow start watches the minimum RTT of each round; when it rises by RttThresh over the previous
/// round's, the queue is building, and growth slows to a quarter (Conservative Slow Start) for CSS_ROUNDS rounds before
/// congestion avoidance — unless the RTT falls back, which was a false alarm and resumes slow start. The delay
/// increase is what makes it leave standard slow start before the bottleneck's queue overflows.
/// </summary>
internal sealed class HyStartPlusPlus
{
    // RFC 9406 §4.3 constants.
    public const int CssGrowthDivisor = 4;
    private const int CssRounds = 5;
    private const int NRttSample = 8;
    private static readonly Duration s_minRttThresh = Duration.FromMilliseconds(4);
    private static readonly Duration s_maxRttThresh = Duration.FromMilliseconds(16);

    private bool _roundStarted;
    private SeqNum _windowEnd;
    private Duration _lastRoundMinRtt = Duration.MaxValue;
    private Duration _currentRoundMinRtt = Duration.MaxValue;
    private int _rttSampleCount;
    private Duration _cssBaselineMinRtt;
    private int _cssRoundsLeft;
    private bool _stopped;

    /// <summary>In Conservative Slow Start.</summary>
    public bool InCss { get; private set; }

    /// <summary>CSS has run its CSS_ROUNDS rounds: congestion avoidance is due.</summary>
    public bool CssRoundsDone => InCss && _cssRoundsLeft <= 0;

    /// <summary>Delay detection left standard slow start at least once.</summary>
    public bool Exited { get; private set; }

    /// <summary>Loss or timeout: slow start is over without HyStart++'s help (RFC 9406 §4.2 last paragraph).</summary>
    public void Stop()
    {
        _stopped = true;
        InCss = false;
    }

    /// <summary>Takes one RTT sample; returns true when the state changed (CSS entered, left, or a CSS round ended).</summary>
    public bool OnSample(Duration rtt, SeqNum ack, SeqNum sndNxt)
    {
        if (_stopped)
            return false;
        bool changed = false;
        // RFC 9406 §4.2: a round ends when the ACK covers windowEnd (SND.NXT when the round began).
        if (!_roundStarted || ack >= _windowEnd)
        {
            _roundStarted = true;
            _windowEnd = sndNxt;
            _lastRoundMinRtt = _currentRoundMinRtt;
            _currentRoundMinRtt = Duration.MaxValue;
            _rttSampleCount = 0;
            if (InCss)
            {
                _cssRoundsLeft--;
                changed = true;
            }
        }
        if (rtt < _currentRoundMinRtt)
            _currentRoundMinRtt = rtt;
        _rttSampleCount++;
        if (_rttSampleCount < NRttSample || _currentRoundMinRtt == Duration.MaxValue || _lastRoundMinRtt == Duration.MaxValue)
            return changed;
        if (!InCss)
        {
            var thresh = Duration.Min(Duration.Max(_lastRoundMinRtt / 8, s_minRttThresh), s_maxRttThresh);
            if (_currentRoundMinRtt >= _lastRoundMinRtt + thresh)
            {
                _cssBaselineMinRtt = _currentRoundMinRtt;
                InCss = true;
                Exited = true;
                _cssRoundsLeft = CssRounds;
                return true;
            }
        }
        else if (_currentRoundMinRtt < _cssBaselineMinRtt)
        {
            // RFC 9406 §4.2: the delay increase was spurious; back to standard slow start.
            InCss = false;
            return true;
        }
        return changed;
    }
}
