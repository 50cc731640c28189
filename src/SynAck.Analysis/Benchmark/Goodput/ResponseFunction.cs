using SynAck.Tcp.Congestion;

namespace SynAck.Analysis.Benchmark.Goodput;

/// <summary>
/// The steady-state goodput each congestion control predicts for a random loss rate p and a round-trip time, in
/// segments per round trip (average window) times MSS / RTT:
/// <list type="bullet">
/// <item>Reno/NewReno, Mathis et al. 1997 ("The Macroscopic Behavior of the TCP Congestion Avoidance Algorithm"): the
/// window saws between W/2 and W, one loss per cycle, so W_avg = sqrt(3 / (2p)) ≈ 1.22 / sqrt(p). Appropriate Byte
/// Counting (RFC 3465) grows cwnd by one SMSS per window whether or not the receiver delays its ACKs, so the constant
/// without delayed ACKs applies.</item>
/// <item>CUBIC, RFC 9438 §5.1: W_avg = (C·(3 + β) / (4·(1 − β)))^(1/4) · RTT^(3/4) / p^(3/4) with C = 0.4, β = 0.7, that is
/// 1.054 · RTT^0.75 / p^0.75 (RTT in seconds); where that is below what Reno would reach, CUBIC's Reno-friendly region
/// (RFC 9438 §4.3, α = 3(1 − β)/(1 + β)) gives Reno's window, so the prediction is the larger of the two.</item>
/// </list>
/// Neither model counts timeouts, slow start or the link: the table caps the prediction at the link's rate.
/// </summary>
internal static class ResponseFunction
{
    private const double CubicC = 0.4;
    private const double CubicBeta = 0.7;

    /// <summary>Mathis: average window in segments.</summary>
    public static double RenoWindow(double p) => Math.Sqrt(3.0 / (2.0 * p));

    /// <summary>RFC 9438 §5.1: CUBIC's average window in segments (RTT in seconds).</summary>
    public static double CubicWindow(double p, double rttSeconds)
        => Math.Pow(CubicC * (3 + CubicBeta) / (4 * (1 - CubicBeta)), 0.25) * Math.Pow(rttSeconds, 0.75) / Math.Pow(p, 0.75);

    /// <summary>Predicted goodput in bit/s; <see cref="double.PositiveInfinity"/> without loss.</summary>
    public static double BitsPerSecond(CongestionAlgorithm algorithm, double p, double rttSeconds, int mss)
    {
        if (p <= 0)
            return double.PositiveInfinity;
        double window = algorithm == CongestionAlgorithm.Cubic
            ? Math.Max(CubicWindow(p, rttSeconds), RenoWindow(p))
            : RenoWindow(p);
        return window * mss * 8 / rttSeconds;
    }
}
