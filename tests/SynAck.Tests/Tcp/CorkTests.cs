using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>
/// SENDs without PUSH (RFC 9293 §3.9.1.2), as Linux offers them: a write flagged "more" (MSG_MORE) and a corked
/// connection (TCP_CORK) hold a short tail for more data; uncorking or switching Nagle off sends it; with nothing in
/// flight the persist timer sends it, pushed.
/// </summary>
public sealed class CorkTests
{
    private const int Mss = 1000;

    private static (CraftedPeer P, SeqNum First, TcpHandle H) Open(bool nagle = false)
    {
        var p = new CraftedPeer(new TcpSettings { Nagle = nagle });
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default, window: 60000, options: new TcpOptions { HasMss = true, Mss = Mss });
        var synAck = p.Poll().Single();
        p.PeerNxt = new SeqNum(p.PeerIss + 1);
        p.Advance(Duration.FromMilliseconds(10));
        p.Deliver(TcpFlags.Ack, p.PeerNxt, synAck.Seq + 1, window: 60000);
        Assert.True(p.Stack.TryAccept(CraftedPeer.LocalPort, out var h));
        return (p, synAck.Seq + 1, h);
    }

    private static List<SegmentRecord> Data(CraftedPeer p) => [.. p.Poll().Where(r => r.Length > 0)];

    [Fact]
    public void A_write_flagged_more_waits_and_joins_the_next_write_which_pushes_both()
    {
        var (p, first, h) = Open();
        p.Stack.Send(h, new byte[100], p.Now, more: true);
        Assert.Empty(Data(p));
        p.Stack.Send(h, new byte[50], p.Now);
        var seg = Assert.Single(Data(p));
        Assert.Equal(first, seg.Seq);
        Assert.Equal(150, seg.Length);
        Assert.True(seg.Has(TcpFlags.Psh));
    }

    [Fact]
    public void A_corked_connection_holds_short_data_until_uncorked_then_sends_it_pushed()
    {
        var (p, _, h) = Open(nagle: true);
        p.Stack.SetCork(h, true);
        p.Stack.Send(h, new byte[40], p.Now);
        Assert.Empty(Data(p));
        p.Advance(Duration.FromMilliseconds(50));
        p.Stack.Send(h, new byte[40], p.Now);
        Assert.Empty(Data(p));
        p.Stack.SetCork(h, false);
        var seg = Assert.Single(Data(p));
        Assert.Equal(80, seg.Length);
        Assert.True(seg.Has(TcpFlags.Psh));
    }

    [Fact]
    public void Full_segments_go_while_corked_and_only_the_short_tail_waits()
    {
        var (p, first, h) = Open();
        p.Stack.SetCork(h, true);
        p.Stack.Send(h, new byte[2500], p.Now);
        var sent = Data(p);
        Assert.Equal([Mss, Mss], sent.Select(s => s.Length));
        Assert.Equal(first + 2000, p.Connection.SndMax);
    }

    [Fact]
    public void Switching_Nagle_off_sends_what_more_writes_held_without_PSH()
    {
        var (p, _, h) = Open(nagle: true);
        p.Stack.Send(h, new byte[40], p.Now, more: true);
        p.Stack.Send(h, new byte[40], p.Now, more: true);
        Assert.Empty(Data(p));
        p.Stack.SetNoDelay(h, true);
        var seg = Assert.Single(Data(p));
        Assert.Equal(80, seg.Length);
        // Neither write asked for a push.
        Assert.False(seg.Has(TcpFlags.Psh));
    }

    [Fact]
    public void Data_held_with_nothing_in_flight_goes_pushed_when_the_persist_timer_fires()
    {
        var (p, first, h) = Open();
        p.Stack.Send(h, new byte[40], p.Now, more: true);
        Assert.Empty(Data(p));
        var rto = p.Connection.Rtt.Rto;
        p.Advance(rto - Duration.FromMilliseconds(1));
        Assert.Empty(Data(p));
        p.Advance(Duration.FromMilliseconds(1));
        var seg = Assert.Single(Data(p));
        Assert.Equal(first, seg.Seq);
        Assert.Equal(40, seg.Length);
        Assert.True(seg.Has(TcpFlags.Psh));
    }
}
