using SynAck.Tcp.Congestion;
using SynAck.Time;

namespace SynAck.Tests.Tcp.Congestion;

/// <summary>CUBIC (RFC 9438) driven ACK by ACK on a virtual clock.</summary>
public sealed class CubicTests
{
    private const int Mss = 1000;
    private static readonly Duration Rtt = Duration.FromMilliseconds(100);

    /// <summary>
    /// A cwnd-limited flow: each round trip the whole window is acknowledged, one ACK per segment spread evenly over
    /// the RTT. Returns cwnd (in segments) at each of <paramref name="times"/> seconds after <paramref name="start"/>.
    /// </summary>
    private static double[] Follow(CongestionControl cc, Instant start, double[] times)
    {
        var result = new double[times.Length];
        var now = start;
        int next = 0;
        while (next < times.Length)
        {
            int segments = Math.Max(1, cc.Cwnd / Mss);
            var step = Rtt / segments;
            for (int i = 0; i < segments && next < times.Length; i++)
            {
                now += step;
                cc.OnAck(Mss, now, Rtt);
                while (next < times.Length && (now - start).Nanoseconds / 1e9 >= times[next])
                    result[next++] = (double)cc.Cwnd / Mss;
            }
        }
        return result;
    }

    [Fact]
    public void Window_after_a_loss_follows_w_cubic_within_ten_percent()
    {
        // RFC 9438 §4.2: W_cubic(t) = C·(t − K)³ + W_max with K = ∛(W_max·(1 − β)/C); W_max = 100 segments at the loss.
        var cc = new CubicCongestionControl(Mss) { Cwnd = 100 * Mss, Ssthresh = 50 * Mss };
        var lossAt = Instant.FromMilliseconds(10000);
        cc.OnLoss(100 * Mss, lossAt);
        Assert.Equal(70 * Mss, cc.Cwnd);
        Assert.Equal(70 * Mss, cc.Ssthresh);

        const double c = 0.4, beta = 0.7, wMax = 100;
        double k = Math.Cbrt(wMax * (1 - beta) / c);
        double[] times = [0.5, 1.5, 3, 4.2, 6];
        var measured = Follow(cc, lossAt, times);
        for (int i = 0; i < times.Length; i++)
        {
            double expected = c * Math.Pow(times[i] - k, 3) + wMax;
            double error = Math.Abs(measured[i] - expected) / expected;
            Assert.True(error < 0.10, $"t = {times[i]} s: cwnd {measured[i]:0.0} segments, W_cubic {expected:0.0} ({error:P1} off)");
        }
        // Concave below W_max, then convex beyond it: the growth slows near the plateau and speeds up after.
        Assert.True(measured[3] < measured[4]);
    }

    [Fact]
    public void Fast_convergence_lowers_w_max_when_losses_come_below_the_previous_one()
    {
        // RFC 9438 §4.7: a loss below the last W_max sets W_max = cwnd·(1 + β)/2.
        var cc = new CubicCongestionControl(Mss) { Cwnd = 100 * Mss, Ssthresh = 50 * Mss };
        cc.OnLoss(100 * Mss, Instant.FromMilliseconds(1000));
        Assert.Equal(100, cc.WMax, 6);
        cc.Cwnd = 80 * Mss;
        cc.OnLoss(80 * Mss, Instant.FromMilliseconds(2000));
        Assert.Equal(80 * (1 + 0.7) / 2, cc.WMax, 6);
        Assert.Equal(56 * Mss, cc.Cwnd);
    }

    [Fact]
    public void A_timeout_leaves_one_segment_and_ssthresh_at_beta_times_cwnd()
    {
        // RFC 9438 §4.8 with RFC 5681 §3.1: ssthresh as on a loss, cwnd = 1 SMSS.
        var cc = new CubicCongestionControl(Mss) { Cwnd = 40 * Mss, Ssthresh = 20 * Mss };
        cc.OnRto(40 * Mss, Instant.FromMilliseconds(1000));
        Assert.Equal(Mss, cc.Cwnd);
        Assert.Equal(28 * Mss, cc.Ssthresh);
    }
}
