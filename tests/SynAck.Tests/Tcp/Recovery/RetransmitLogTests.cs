using SynAck.Tcp;
using SynAck.Tcp.Recovery;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp.Recovery;

/// <summary>The log of a recovery's retransmissions that RACK (RFC 8985 §6.2) judges by send time.</summary>
public sealed class RetransmitLogTests
{
    [Fact]
    public void The_oldest_retransmission_is_still_judged_after_hundreds_more()
    {
        // A queue overflowing in slow start leaves hundreds of holes in one window, each retransmitted in one recovery
        // (docs/goodput.md, 100 Mbit/s at 20 ms). The first of them — the one SND.UNA waits on — must stay in the log: when
        // it was forgotten past 32 entries, a lost first retransmission stalled the transfer until the RTO.
        var log = new RetransmitLog(1024);
        var t0 = Instant.FromMilliseconds(1000);
        var una = new SeqNum(1_000_000);
        const int mss = 1000;
        for (int i = 0; i < 300; i++)
            log.Add(una + 2 * i * mss, mss, t0 + Duration.FromMicroseconds(i), una + 1_000_000);
        // Data sent after all of them (beyond the SND.MAX they went with) is SACKed; an RTT plus the window later...
        var scoreboard = new SackScoreboard(1024);
        scoreboard.Add(una + 1_000_000, una + 1_000_000 + 3 * mss);
        var wait = Duration.FromMilliseconds(25);
        int lost = log.DetectLost(una, una + 1_000_000 + 3 * mss, scoreboard, t0 + Duration.FromMilliseconds(30), wait, out _);
        // ...every one of them is lost, the first included, and it is the first to go again.
        Assert.Equal(300, lost);
        Assert.True(log.TakeLost(una, out var start, out int length));
        Assert.Equal(una, start);
        Assert.Equal(mss, length);
    }

    [Fact]
    public void A_full_log_forgets_its_newest_entry_not_the_one_snd_una_waits_on()
    {
        var log = new RetransmitLog(4);
        var una = new SeqNum(5000);
        for (int i = 0; i < 6; i++)
            log.Add(una + i * 100, 100, Instant.FromMilliseconds(i), una + 10_000);
        Assert.Equal(4, log.Count);
        var scoreboard = new SackScoreboard(16);
        scoreboard.Add(una + 10_000, una + 10_100);
        Assert.Equal(4, log.DetectLost(una, una + 10_100, scoreboard, Instant.FromMilliseconds(100), Duration.FromMilliseconds(10), out _));
        Assert.True(log.TakeLost(una, out var start, out _));
        Assert.Equal(una, start);
    }
}
