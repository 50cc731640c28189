using SynAck.Tcp;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>RFC 9293 §3.10.7.4 first: the four cases of the sequence number test.</summary>
public sealed class AcceptabilityTests
{
    private static CraftedPeer OpenWindow()
    {
        var p = new CraftedPeer();
        p.ToEstablished();
        return p;
    }

    /// <summary>A connection whose 1,000-byte receive buffer is full: RCV.WND = 0.</summary>
    private static CraftedPeer ClosedWindow()
    {
        var p = new CraftedPeer(new TcpSettings { ReceiveBufferSize = 1000 });
        p.ToEstablished();
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, p.LocalIss + 1, 1000);
        p.PeerNxt += 1000;
        p.Advance(SynAck.Time.Duration.FromSeconds(1));
        var ack = p.Poll().Single();
        Assert.Equal(0, ack.Window);
        Assert.Equal(0u, p.Connection.RcvWnd);
        return p;
    }

    [Fact]
    public void Zero_length_zero_window_accepts_only_rcv_nxt()
    {
        var p = ClosedWindow();
        var c = p.Connection;
        Assert.True(c.IsAcceptable(c.RcvNxt, 0));
        Assert.False(c.IsAcceptable(c.RcvNxt + 1, 0));
        Assert.False(c.IsAcceptable(c.RcvNxt - 1, 0));
    }

    [Fact]
    public void Zero_length_open_window_accepts_rcv_nxt_up_to_the_right_edge_exclusive()
    {
        var c = OpenWindow().Connection;
        uint wnd = c.RcvWnd;
        Assert.True(wnd > 0);
        Assert.True(c.IsAcceptable(c.RcvNxt, 0));
        Assert.True(c.IsAcceptable(c.RcvNxt + (int)(wnd - 1), 0));
        Assert.False(c.IsAcceptable(c.RcvNxt + (int)wnd, 0));
        Assert.False(c.IsAcceptable(c.RcvNxt - 1, 0));
    }

    [Fact]
    public void Data_with_zero_window_is_never_acceptable()
    {
        var c = ClosedWindow().Connection;
        Assert.False(c.IsAcceptable(c.RcvNxt, 1));
        Assert.False(c.IsAcceptable(c.RcvNxt, 100));
    }

    [Fact]
    public void Data_with_open_window_is_acceptable_when_its_first_or_last_byte_is_inside()
    {
        var c = OpenWindow().Connection;
        int wnd = (int)c.RcvWnd;
        Assert.True(c.IsAcceptable(c.RcvNxt, 10));              // starts at RCV.NXT
        Assert.True(c.IsAcceptable(c.RcvNxt - 5, 10));          // starts before, ends inside
        Assert.True(c.IsAcceptable(c.RcvNxt + (wnd - 1), 10));  // starts at the last byte of the window
        Assert.False(c.IsAcceptable(c.RcvNxt - 20, 10));        // entirely old
        Assert.False(c.IsAcceptable(c.RcvNxt + wnd, 10));       // entirely beyond the window
    }

    [Fact]
    public void An_unacceptable_segment_is_answered_with_an_ack_and_dropped()
    {
        var p = OpenWindow();
        var c = p.Connection;
        p.Deliver(TcpFlags.Ack, c.RcvNxt + 100_000, p.LocalIss + 1, 10);
        var ack = p.Poll().Single();
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(p.LocalIss + 1, ack.Seq);
        Assert.Equal(p.PeerNxt, ack.Ack);
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.OutOfWindow));
        Assert.Equal(0, p.Stack.Available(p.Handle));
    }

    [Fact]
    public void An_unacceptable_rst_is_dropped_without_answer()
    {
        var p = OpenWindow();
        p.Deliver(TcpFlags.Rst, p.PeerNxt + 100_000, default);
        Assert.Empty(p.Poll());
        Assert.Equal(TcpState.Established, p.State);
    }

    [Fact]
    public void With_a_zero_window_the_ack_of_a_segment_at_rcv_nxt_is_still_processed()
    {
        var p = ClosedWindow();
        p.Stack.Send(p.Handle, new byte[100], p.Now);
        var data = p.Poll().Single();
        Assert.Equal(100, data.Length);
        // The peer's data cannot be taken, but its ACK of our 100 bytes counts.
        p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 101, 50);
        Assert.Equal(0, p.Stack.SendQueued(p.Handle));
        Assert.Equal(0, p.Stack.Available(p.Handle) - 1000);
        p.Checker.ThrowIfViolated();
    }
}
