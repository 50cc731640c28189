using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>
/// Where SynAck's sender sets PSH (RFC 9293 §3.9.1.2 leaves it to the sender; SynAck follows Linux): the end of
/// every write, a forced push inside a write larger than half the largest window, and the last segment of each
/// group of back-to-back segments Linux would send as one offload packet.
/// </summary>
public sealed class PushFlagTests
{
    private const int Mss = 1000;

    /// <summary>A passive open from a peer offering MSS 1000 and <paramref name="window"/> (no scaling), its ACK <paramref name="rtt"/> after our SYN-ACK.</summary>
    private static (CraftedPeer P, SeqNum First, TcpHandle H) Open(Duration rtt, ushort window, bool nagle = true)
    {
        var p = new CraftedPeer(new TcpSettings { Nagle = nagle });
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default, window: window, options: new TcpOptions { HasMss = true, Mss = Mss });
        var synAck = p.Poll().Single();
        p.PeerNxt = new SeqNum(p.PeerIss + 1);
        p.Advance(rtt);
        p.Deliver(TcpFlags.Ack, p.PeerNxt, synAck.Seq + 1, window: window);
        Assert.True(p.Stack.TryAccept(CraftedPeer.LocalPort, out var h));
        return (p, synAck.Seq + 1, h);
    }

    private static List<SegmentRecord> Data(CraftedPeer p) => [.. p.Poll().Where(r => r.Length > 0)];

    /// <summary>The end of each pushed segment, as an offset from the first data byte.</summary>
    private static int[] PushedEnds(IEnumerable<SegmentRecord> segs, SeqNum first)
        => [.. segs.Where(r => r.Has(TcpFlags.Psh)).Select(r => r.Seq + r.Length - first)];

    [Fact]
    public void A_train_sent_at_once_ends_with_PSH_though_more_of_the_write_waits()
    {
        var (p, first, h) = Open(Duration.Zero, 60000);
        p.Stack.Send(h, new byte[30000], p.Now);
        var train = Data(p);
        Assert.Equal(10, train.Count);
        // No RTT to pace by: one offload packet of the whole flight, pushed at its end only.
        Assert.Equal([10 * Mss], PushedEnds(train, first));
    }

    [Fact]
    public void At_a_100_ms_RTT_back_to_back_segments_go_in_pushed_pairs_as_Linux_sends_them()
    {
        var (p, first, h) = Open(Duration.FromMilliseconds(100), 60000);
        p.Stack.Send(h, new byte[30000], p.Now);
        var train = Data(p);
        Assert.Equal(10, train.Count);
        // 10 segments per 100 ms is far below a millisecond's worth of 64 KiB: two segments a packet (tcp_min_tso_segs).
        Assert.Equal([2000, 4000, 6000, 8000, 10000], PushedEnds(train, first));
    }

    [Fact]
    public void A_segment_sent_alone_is_pushed_only_when_it_ends_the_write()
    {
        var (p, first, h) = Open(Duration.Zero, 10000);
        p.Stack.Send(h, new byte[12000], p.Now);
        Assert.Equal(10, Data(p).Count);
        // Each ACK of one segment moves the peer's window edge by one segment: one segment goes, alone.
        p.Deliver(TcpFlags.Ack, p.PeerNxt, first + 1000, window: 10000);
        var middle = Assert.Single(Data(p));
        Assert.False(middle.Has(TcpFlags.Psh));
        p.Deliver(TcpFlags.Ack, p.PeerNxt, first + 2000, window: 10000);
        var last = Assert.Single(Data(p));
        Assert.Equal(first + 11000, last.Seq);
        Assert.True(last.Has(TcpFlags.Psh));
    }

    [Fact]
    public void A_retransmission_keeps_the_PSH_of_the_write_it_ended()
    {
        var (p, first, h) = Open(Duration.Zero, 60000, nagle: false);
        p.Stack.Send(h, new byte[1000], p.Now);
        Assert.True(Assert.Single(Data(p)).Has(TcpFlags.Psh));
        p.Stack.Send(h, new byte[3000], p.Now);
        Assert.Equal(3, Data(p).Count);
        // Nothing is acknowledged: the timeout resends the first write's segment, with more data queued after it.
        p.Advance(Duration.FromSeconds(3));
        var again = Data(p);
        Assert.Equal(first, again[0].Seq);
        Assert.Equal(Mss, again[0].Length);
        Assert.True(again[0].Has(TcpFlags.Psh));
    }

    [Fact]
    public void A_write_of_more_than_half_the_largest_window_is_pushed_inside_at_Linux_buffer_boundaries()
    {
        // Window 9000: Linux fills buffers of 4000 (half the window in whole segments); the second is the first
        // to end more than 4500 past the last push, so it is pushed (forced_push), and so is every second after it.
        var (p, first, h) = Open(Duration.Zero, 9000);
        p.Stack.Send(h, new byte[20000], p.Now);
        var train = Data(p);
        Assert.Equal(9, train.Count);
        // 8000: the forced push. The segment after it starts Linux's next buffer and is its only one sent: not pushed.
        Assert.Equal([8000], PushedEnds(train, first));
        // The rest goes one segment per ACK; only 16000 (forced) and 20000 (the end of the write) are pushed.
        var later = new List<SegmentRecord>();
        for (int acked = 1000; acked <= 11000; acked += 1000)
        {
            p.Deliver(TcpFlags.Ack, p.PeerNxt, first + acked, window: 9000);
            later.AddRange(Data(p));
        }
        Assert.Equal([16000, 20000], PushedEnds(later, first));
    }

    [Fact]
    public void A_write_that_finds_the_previous_one_unsent_joins_it_and_takes_over_its_push()
    {
        var (p, first, h) = Open(Duration.Zero, 2000, nagle: false);
        p.Stack.Send(h, new byte[2000], p.Now);
        Assert.Equal(2, Data(p).Count);
        // The window is full: both writes wait, the second appended to the first as Linux appends to its tail buffer.
        p.Stack.Send(h, new byte[500], p.Now);
        p.Stack.Send(h, new byte[500], p.Now);
        Assert.Empty(Data(p));
        // Room for the first of them only: it goes without PSH, the push point being the end of the second.
        p.Deliver(TcpFlags.Ack, p.PeerNxt, first + 2000, window: 500);
        var seg = Assert.Single(Data(p));
        Assert.Equal(500, seg.Length);
        Assert.False(seg.Has(TcpFlags.Psh));
        p.Deliver(TcpFlags.Ack, p.PeerNxt, first + 2500, window: 2000);
        var rest = Assert.Single(Data(p));
        Assert.True(rest.Has(TcpFlags.Psh));
    }
}
