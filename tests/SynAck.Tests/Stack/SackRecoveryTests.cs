using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Stack;

/// <summary>RFC 2018 + RFC 6675 between two stacks: negotiation, and loss recovery that resends only the holes.</summary>
public sealed class SackRecoveryTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void Sack_is_used_exactly_when_both_sides_permit_it(bool client, bool server)
    {
        var h = new TwoStacks(new TcpSettings { Sack = client }, new TcpSettings { Sack = server });
        var (c, s) = ConnectedPair.Open(h);
        Assert.Equal(client && server, h.Client.Get(c).SackOk);
        Assert.Equal(client && server, h.Server.Get(s).SackOk);
        Assert.Equal(client, h.Wire[0].Options.SackPermitted);
        h.Check();
    }

    /// <summary>Data bytes the client sent again: each data segment's bytes below the highest byte sent before it.</summary>
    private static long RetransmittedBytes(TwoStacks h)
    {
        long retransmitted = 0;
        SeqNum high = h.Wire[0].Seq + 1;
        foreach (var r in h.Wire.Where(r => r.FromClient && r.Length > 0))
        {
            SeqNum end = r.Seq + r.Length;
            retransmitted += Math.Max(0, Math.Min(high - r.Seq, r.Length));
            high = SeqNum.Max(high, end);
        }
        return retransmitted;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Three_losses_in_one_window_are_resent_and_nothing_else(bool sack)
    {
        var settings = new TcpSettings { Sack = sack };
        var h = new TwoStacks(settings, settings) { Latency = Duration.FromMilliseconds(25), Bandwidth = 12_500_000 };
        var (c, s) = ConnectedPair.Open(h);
        SeqNum first = h.Client.Get(c).SndNxt;
        // Lose the first transmission of the 100th, 104th and 108th data segments: the middle of one flight of ~50
        // (slow start with delayed ACKs sends flights of 10, 15, 22, 33, 50), so later segments follow each loss.
        var lose = new HashSet<SeqNum> { first + (99 * 1448), first + (103 * 1448), first + (107 * 1448) };
        h.DropRule = r => r.FromClient && r.Length > 0 && lose.Remove(r.Seq);
        var data = ConnectedPair.Pattern(400_000);
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, data, Duration.FromSeconds(30)));

        Assert.Empty(lose);
        long dropped = h.Dropped.Sum(r => (long)r.Length);
        Assert.Equal(3 * 1448, dropped);
        var resent = h.Wire.Where(r => r.FromClient && r.Length > 0).GroupBy(r => r.Seq).Where(g => g.Count() > 1).Select(g => g.Skip(1).First()).ToList();
        var rtt = Duration.FromMilliseconds(50);
        if (sack)
        {
            // Only the holes went again, and all three within one round trip: the SACK blocks named them all at once.
            Assert.Equal(dropped, RetransmittedBytes(h));
            Assert.Equal(0, h.Client.Counters.Timeouts);
            Assert.True(resent.Max(r => r.Time) - resent.Min(r => r.Time) < rtt, string.Join("; ", resent));
        }
        else
        {
            // NewReno learns of one hole per partial ACK: a round trip between retransmissions.
            Assert.True(resent.Max(r => r.Time) - resent.Min(r => r.Time) >= rtt * 2, string.Join("; ", resent));
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"sack {sack}: retransmitted {RetransmittedBytes(h)} bytes for {dropped} lost, {h.Client.Counters.RetransSegs} segments, transfer done at {h.Now}");
        h.Check();
    }

    [Theory]
    [InlineData(true, 11u)]
    [InlineData(false, 11u)]
    [InlineData(true, 12u)]
    [InlineData(false, 12u)]
    public void Random_loss_delivers_every_byte_with_or_without_sack(bool sack, ulong seed)
    {
        var settings = new TcpSettings { Sack = sack };
        var h = new TwoStacks(settings, settings) { Latency = Duration.FromMilliseconds(20), Bandwidth = 12_500_000, Chaos = new SplitMix64Random(seed), LossRate = 0.03 };
        var (c, s) = ConnectedPair.Open(h);
        var data = ConnectedPair.Pattern(1_000_000);
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, data, Duration.FromSeconds(300)));
        long lost = h.Dropped.Where(r => r.FromClient).Sum(r => (long)r.Length);
        TestContext.Current.TestOutputHelper?.WriteLine($"sack {sack} seed {seed}: {lost} data bytes lost, {RetransmittedBytes(h)} retransmitted, done at {h.Now}");
        h.Check();
    }
}
