using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>RFC 2018: SACK-permitted on the SYNs, and the receiver's SACK blocks.</summary>
public sealed class SackTests
{
    private static TcpOptions SynOptions(bool sack, bool ts)
        => new() { HasMss = true, Mss = 1460, SackPermitted = sack, HasTimestamps = ts, TsVal = ts ? 100u : 0 };

    private static SeqNum Establish(CraftedPeer p, bool sack, bool ts)
    {
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default, options: SynOptions(sack, ts));
        var synAck = p.Poll().Single();
        p.PeerNxt = new SeqNum(p.PeerIss + 1);
        var o = ts ? new TcpOptions { HasTimestamps = true, TsVal = 101, TsEcr = synAck.Options.TsVal } : default;
        p.Deliver(TcpFlags.Ack, p.PeerNxt, synAck.Seq + 1, options: o);
        Assert.Equal(sack, synAck.Options.SackPermitted);
        return synAck.Seq + 1;
    }

    private static TcpOptions Ts(bool ts) => ts ? new TcpOptions { HasTimestamps = true, TsVal = 200 } : default;

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Sack_is_answered_and_used_only_when_both_sides_permit_it(bool on, bool peerPermits)
    {
        var p = new CraftedPeer(new TcpSettings { Sack = on });
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default, options: SynOptions(peerPermits, false));
        var synAck = p.Poll().Single();
        Assert.Equal(on && peerPermits, synAck.Options.SackPermitted);
        Assert.Equal(on && peerPermits, p.Connection.SackOk);
    }

    [Theory]
    [InlineData(true, 3)]
    [InlineData(false, 4)]
    public void Out_of_order_data_is_reported_most_recent_block_first_as_many_as_fit(bool ts, int maxBlocks)
    {
        var p = new CraftedPeer();
        var ack = Establish(p, sack: true, ts: ts);
        // Five islands of 100 bytes with gaps between them, delivered in a scrambled order.
        int[] order = [3, 1, 4, 0, 2];
        SeqNum Island(int i) => p.PeerNxt + 200 + (i * 200);
        SegmentRecord last = null!;
        foreach (int i in order)
        {
            p.Deliver(TcpFlags.Ack, Island(i), ack, payloadLength: 100, options: Ts(ts));
            last = p.Poll().Single();
            Assert.Equal(p.PeerNxt, last.Ack);              // a duplicate ACK for RCV.NXT
            Assert.Equal(new SackBlock(Island(i), Island(i) + 100), last.Options.GetSackBlock(0));
        }
        Assert.Equal(maxBlocks, last.Options.SackBlockCount);
        // After the first, the most recently reported islands in order: 0, 4, 1 (, 3).
        int[] expected = [2, 0, 4, 1, 3];
        for (int k = 0; k < maxBlocks; k++)
            Assert.Equal(new SackBlock(Island(expected[k]), Island(expected[k]) + 100), last.Options.GetSackBlock(k));
        Assert.True(last.Options.EncodedLength <= TcpOptions.MaxLength);
    }

    [Fact]
    public void Filling_the_hole_merges_the_block_and_an_ack_without_holes_carries_no_sack()
    {
        var p = new CraftedPeer();
        var ack = Establish(p, sack: true, ts: false);
        p.Deliver(TcpFlags.Ack, p.PeerNxt + 100, ack, payloadLength: 100);
        Assert.Equal(1, p.Poll().Single().Options.SackBlockCount);
        p.Deliver(TcpFlags.Ack, p.PeerNxt, ack, payloadLength: 100);
        var full = p.Poll().Single();
        Assert.Equal(p.PeerNxt + 200, full.Ack);
        Assert.Equal(0, full.Options.SackBlockCount);
    }
}
