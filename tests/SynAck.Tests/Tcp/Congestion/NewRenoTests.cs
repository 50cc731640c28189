using SynAck.Tcp.Congestion;
using SynAck.Time;

namespace SynAck.Tests.Tcp.Congestion;

/// <summary>NewReno's window (RFC 5681 §3.1), ACK by ACK.</summary>
public sealed class NewRenoTests
{
    private const int Mss = 1000;

    [Fact]
    public void Congestion_avoidance_adds_one_segment_per_window_acknowledged()
    {
        var cc = new NewRenoCongestionControl(Mss) { Cwnd = 20 * Mss, Ssthresh = 10 * Mss };
        var now = Instant.FromMilliseconds(1000);
        for (int round = 0; round < 5; round++)
        {
            int before = cc.Cwnd;
            for (int i = 0; i < before / Mss; i++)
                cc.OnAck(Mss, now, Duration.FromMilliseconds(50));
            Assert.Equal(before + Mss, cc.Cwnd);
        }
    }

    [Fact]
    public void Slow_start_grows_by_the_bytes_acknowledged_up_to_two_segments_per_ack()
    {
        // RFC 5681 §3.1 with RFC 3465's L = 2·SMSS.
        var cc = new NewRenoCongestionControl(Mss);
        Assert.Equal(10 * Mss, cc.Cwnd); // RFC 6928: min(10·MSS, max(2·MSS, 14600))
        cc.OnAck(Mss, Instant.Zero, Duration.Zero);
        Assert.Equal(11 * Mss, cc.Cwnd);
        cc.OnAck(5 * Mss, Instant.Zero, Duration.Zero);
        Assert.Equal(13 * Mss, cc.Cwnd);
    }

    [Fact]
    public void Slow_start_without_the_per_ack_limit_grows_by_every_segment_acknowledged_as_linux()
    {
        var cc = new NewRenoCongestionControl(Mss);
        cc.OnAck(5 * Mss, Instant.Zero, Duration.Zero, slowStartLimit: 0);
        Assert.Equal(15 * Mss, cc.Cwnd);
        cc.OnAck(5 * Mss, Instant.Zero, Duration.Zero, slowStartLimit: 3);
        Assert.Equal(18 * Mss, cc.Cwnd);
    }

    [Fact]
    public void Loss_halves_the_flight()
    {
        var cc = new NewRenoCongestionControl(Mss) { Cwnd = 30 * Mss };
        cc.OnLoss(24 * Mss, Instant.Zero);
        Assert.Equal(12 * Mss, cc.Ssthresh);
        Assert.Equal(12 * Mss, cc.Cwnd);
        cc.OnLoss(3 * Mss, Instant.Zero);
        Assert.Equal(2 * Mss, cc.Ssthresh); // never below 2·SMSS
    }

    [Theory]
    [InlineData(536, 5360)]
    [InlineData(1460, 14600)]
    [InlineData(8960, 17920)]
    public void Initial_window_follows_rfc_6928(int mss, int iw)
        => Assert.Equal(iw, CongestionControl.InitialWindow(mss));
}
