using SynAck.Tcp.Congestion;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// Congestion window validation (RFC 7661): cwnd grows only while the sender uses it, tracked per window of data as
/// Linux's <c>tcp_cwnd_validate</c> does; the idle restart of RFC 5681 §4.1; and the choice of algorithm.
/// </summary>
internal sealed partial class TcpConnection
{
    // The two times below live in the congestion controller, made with the first data sent: a connection that has sent
    // nothing keeps neither (read before, they are the initial values; writing an initial value makes nothing).
    private Instant _lastDataSent { get => _congestion?.LastDataSent ?? default; set { if (value != default || _congestion is not null) _cc.LastDataSent = value; } }
    private bool _sentData { get => HasFlag(ConnectionFlags.SentData); set => SetFlag(ConnectionFlags.SentData, value); }
    private bool _cwndLimited { get => HasFlag(ConnectionFlags.CwndLimited); set => SetFlag(ConnectionFlags.CwndLimited, value); }
    private int _maxFlight;
    private bool _cwndUsageStarted { get => HasFlag(ConnectionFlags.CwndUsageStarted); set => SetFlag(ConnectionFlags.CwndUsageStarted, value); }
    private SeqNum _cwndUsageSeq { get => _congestion?.CwndUsageSeq ?? default; set { if (value != default || _congestion is not null) _cc.CwndUsageSeq = value; } }

    /// <summary>
    /// RFC 7661 §4.3: in slow start the window may grow to twice what is in flight (the most sent in the last window);
    /// in congestion avoidance only when sending was held back by cwnd during that window.
    /// </summary>
    private bool IsCwndLimited => _cc.InSlowStart ? Cwnd < 2 * _maxFlight : _cwndLimited;

    /// <summary>The end of one sending pass: was it held back by cwnd (<paramref name="limitedNow"/>)?</summary>
    private void NoteCwndUse(bool limitedNow)
    {
        int flight = BytesInFlight;
        // Nothing recorded, nothing in flight, not held back: the record made now would be replaced at the next pass
        // (SND.UNA reaches its mark, SND.NXT = SND.UNA now) and reads as the empty one meanwhile, so a connection that
        // has never sent data skips it and makes no controller.
        if (_congestion is null && !_cwndUsageStarted && flight == 0 && !limitedNow)
            return;
        // A new window of data starts once SND.UNA passes the mark; within one, the most used is kept.
        if (!_cwndUsageStarted || SndUna >= _cwndUsageSeq || limitedNow || (!_cwndLimited && flight > _maxFlight))
        {
            _cwndUsageStarted = true;
            _cwndLimited = limitedNow;
            _maxFlight = flight;
            _cwndUsageSeq = SndNxt;
        }
    }

    /// <summary>Switches the algorithm (per connection); the window sizes carry over.</summary>
    public void SetCongestionAlgorithm(CongestionAlgorithm algorithm)
    {
        if (_cc.Algorithm == algorithm)
            return;
        var next = CongestionControl.Create(algorithm, SndMss);
        next.Cwnd = _cc.Cwnd;
        next.Ssthresh = _cc.Ssthresh;
        next.LastDataSent = _cc.LastDataSent;
        next.CwndUsageSeq = _cc.CwndUsageSeq;
        _congestion = next;
    }
}
