using SynAck.Time;

namespace SynAck.Tcp.Congestion;

/// <summary>
/// CUBIC (RFC 9438): after a loss the window follows W_cubic(t) = C·(t − K)³ + W_max (§4.2), concave up to the window
/// where the loss happened and convex beyond it, never below the Reno-friendly estimate W_est (§4.3). β_cubic = 0.7,
/// C = 0.4, fast convergence (§4.7) on. Windows are in segments inside, bytes outside.
/// </summary>
internal sealed class CubicCongestionControl(int mss) : CongestionControl(mss, hyStart: true)
{
    /// <summary>RFC 9438 §5.1: β_cubic.</summary>
    public const double Beta = 0.7;

    /// <summary>RFC 9438 §5.1: C.</summary>
    public const double C = 0.4;

    // RFC 9438 §4.3: α_cubic = 3·(1 − β) / (1 + β).
    private const double AlphaCubic = 3 * (1 - Beta) / (1 + Beta);

    private bool _inEpoch;
    private Instant _epochStart;
    private double _k;
    private double _wMax;
    private double _lastWMax;
    private double _wEst;
    private double _carry;

    public override CongestionAlgorithm Algorithm => CongestionAlgorithm.Cubic;

    /// <summary>W_max of RFC 9438 §4.2, in segments (0 before the first loss).</summary>
    public double WMax => _wMax;

    /// <summary>K of RFC 9438 §4.2, in seconds, of the current epoch.</summary>
    public double K => _k;

    /// <summary>RFC 9438 §4.2, eq. 1: W_cubic(t) in segments, t in seconds since the epoch began.</summary>
    public double WCubic(double t) => C * Math.Pow(t - _k, 3) + _wMax;

    protected override int ReducedWindow(int flight, Instant now)
    {
        double w = (double)Cwnd / Mss;
        // RFC 9438 §4.7 fast convergence: a flow whose W_max keeps shrinking releases bandwidth to newer flows.
        _wMax = w < _lastWMax ? w * (1 + Beta) / 2 : w;
        _lastWMax = w;
        _inEpoch = false;
        // RFC 9438 §4.6: ssthresh = cwnd · β_cubic.
        return (int)(Cwnd * Beta);
    }

    protected override void CongestionAvoidance(int acked, Instant now, Duration srtt)
    {
        double cwnd = (double)Cwnd / Mss;
        if (!_inEpoch)
        {
            // RFC 9438 §4.2: a congestion-avoidance stage begins; K from the window it starts at.
            _inEpoch = true;
            _epochStart = now;
            if (_wMax <= cwnd)
            {
                _k = 0;
                _wMax = cwnd;
            }
            else
            {
                _k = Math.Cbrt((_wMax - cwnd) / C);
            }
            _wEst = cwnd;
            _carry = 0;
        }
        double segmentsAcked = (double)acked / Mss;
        double t = (now - _epochStart).Nanoseconds / 1e9;
        double rtt = srtt.Nanoseconds / 1e9;

        // RFC 9438 §4.3: the Reno-friendly estimate; α becomes 1 once it reaches W_max.
        double alpha = _wEst >= _wMax ? 1 : AlphaCubic;
        _wEst += alpha * segmentsAcked / cwnd;

        double next;
        if (WCubic(t) < _wEst)
        {
            next = _wEst;
        }
        else
        {
            // RFC 9438 §4.4/§4.5: aim at W_cubic one RTT ahead, within [cwnd, 1.5·cwnd], closing (target − cwnd)/cwnd per segment.
            double target = Math.Clamp(WCubic(t + rtt), cwnd, 1.5 * cwnd);
            next = cwnd + (target - cwnd) / cwnd * segmentsAcked;
        }
        _carry += (next - cwnd) * Mss;
        if (_carry >= 1)
        {
            int whole = (int)Math.Min(_carry, 1 << 29);
            Cwnd += whole;
            _carry -= whole;
        }
    }

    protected override void RestartEpoch(Instant now) => _inEpoch = false;
}
