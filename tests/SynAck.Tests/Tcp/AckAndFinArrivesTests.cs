using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>RFC 9293 §3.10.7 fifth (ACK) and eighth (FIN) steps, and the LISTEN, SYN-SENT and CLOSED rules.</summary>
public sealed class AckAndFinArrivesTests
{
    [Fact]
    public void Ack_above_snd_nxt_is_answered_with_an_ack_and_its_data_dropped()
    {
        var p = new CraftedPeer();
        p.ToEstablished();
        p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 1000, payloadLength: 20);
        var ack = p.Poll().Single();
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(p.PeerNxt, ack.Ack);
        Assert.Equal(0, p.Stack.Available(p.Handle));
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.AckAboveSndNxt));
    }

    [Fact]
    public void Segment_without_ack_bit_is_dropped_in_a_synchronized_state()
    {
        var p = new CraftedPeer();
        p.ToEstablished();
        p.Deliver(TcpFlags.Psh, p.PeerNxt, default, payloadLength: 20);
        Assert.Equal(0, p.Stack.Available(p.Handle));
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.NoAck));
    }

    [Fact]
    public void Syn_received_with_an_unacceptable_ack_sends_rst_with_seq_seg_ack()
    {
        var p = new CraftedPeer();
        p.ToSynReceived();
        p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 50);
        var rst = p.Poll().Single();
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(p.LocalIss + 50, rst.Seq);
        Assert.Equal(TcpState.SynReceived, p.State);
    }

    [Fact]
    public void Syn_sent_with_an_unacceptable_ack_sends_rst_old_duplicate_figure_8()
    {
        var p = new CraftedPeer();
        p.ToSynSent();
        p.Deliver(TcpFlags.Syn | TcpFlags.Ack, new SeqNum(p.PeerIss), p.LocalIss - 500);
        var rst = p.Poll().Single();
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(p.LocalIss - 500, rst.Seq);
        Assert.Equal(TcpState.SynSent, p.State);
    }

    [Fact]
    public void Syn_sent_completes_on_syn_ack_and_takes_the_peers_mss()
    {
        var p = new CraftedPeer();
        p.ToSynSent();
        p.Deliver(TcpFlags.Syn | TcpFlags.Ack, new SeqNum(p.PeerIss), p.LocalIss + 1, options: new TcpOptions { HasMss = true, Mss = 1000 });
        Assert.Equal(TcpState.Established, p.State);
        Assert.Equal(1000, p.Connection.SndMss);
        var ack = p.Poll().Single();
        Assert.Equal(new SeqNum(p.PeerIss + 1), ack.Ack);
        p.Stack.Send(p.Handle, new byte[5000], p.Now);
        Assert.All(p.Poll(), s => Assert.True(s.Length <= 1000));
    }

    [Fact]
    public void Window_update_follows_wl1_wl2_and_ignores_an_older_segment()
    {
        var p = new CraftedPeer();
        p.ToEstablished();
        var c = p.Connection;
        p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 1, window: 1000);
        Assert.Equal(1000u, c.SndWnd);
        // An older segment (SEG.SEQ < SND.WL1) must not move the window.
        p.Deliver(TcpFlags.Ack, p.PeerNxt - 1, p.LocalIss + 1, window: 5);
        Assert.Equal(1000u, c.SndWnd);
    }

    [Fact]
    public void Established_fin_goes_to_close_wait_and_is_acked_at_once()
    {
        var p = new CraftedPeer();
        p.ToCloseWait();
        Assert.True(p.Stack.IsReceiveComplete(p.Handle));
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void Fin_wait_1_fin_without_ack_of_ours_goes_to_closing_then_time_wait_on_the_ack()
    {
        var p = new CraftedPeer();
        p.ToClosing();
        p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 2);
        Assert.Equal(TcpState.TimeWait, p.State);
        Assert.Equal([TcpState.FinWait1, TcpState.Closing, TcpState.TimeWait], p.Log.States(p.Id)[3..]);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void Fin_wait_1_fin_with_ack_of_ours_goes_straight_to_time_wait()
    {
        var p = new CraftedPeer();
        p.ToFinWait1();
        p.Deliver(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, p.LocalIss + 2);
        Assert.Equal(TcpState.TimeWait, p.State);
        var last = p.Log.Transitions(p.Id).Last();
        Assert.Equal((TcpState.TimeWait, TcpTransitionCause.RcvFinAck), (last.To, last.Cause));
        Assert.Equal(p.PeerNxt + 1, p.Poll().Single().Ack);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void Fin_wait_2_fin_goes_to_time_wait()
    {
        var p = new CraftedPeer();
        p.ToTimeWait();
        Assert.Equal(1, p.Stack.TimeWaitCount);
        Assert.Equal(0, p.Stack.ConnectionCount);
        p.Checker.ThrowIfViolated();
    }

    [Theory]
    [InlineData(TcpState.CloseWait)]
    [InlineData(TcpState.Closing)]
    [InlineData(TcpState.LastAck)]
    [InlineData(TcpState.TimeWait)]
    public void A_retransmitted_fin_is_acknowledged_again_and_the_state_stays(TcpState state)
    {
        var p = new CraftedPeer();
        p.To(state);
        p.Deliver(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt - 1, p.LocalIss + 1);
        var ack = p.Poll().Single();
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(p.PeerNxt, ack.Ack);
        Assert.Equal(state, p.State);
    }

    [Fact]
    public void Time_wait_restarts_two_msl_when_the_fin_is_retransmitted()
    {
        var p = new CraftedPeer();
        p.ToTimeWait();
        p.Advance(Duration.FromSeconds(50));
        p.Deliver(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt - 1, p.LocalIss + 2);
        p.Poll();
        p.Advance(Duration.FromSeconds(59));
        p.Poll();
        Assert.Equal(TcpState.TimeWait, p.State);
        p.Advance(Duration.FromSeconds(1));
        Assert.Equal(p.Now, p.Stack.NextDeadline);
        p.Poll();
        Assert.Equal(TcpState.Closed, p.State);
    }

    [Fact]
    public void Fin_in_listen_and_syn_sent_is_dropped()
    {
        var p = new CraftedPeer();
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Fin, new SeqNum(1), default);
        Assert.Empty(p.Poll());
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.ListenNoSyn));

        var q = new CraftedPeer();
        q.ToSynSent();
        q.Deliver(TcpFlags.Fin, new SeqNum(1), default);
        Assert.Empty(q.Poll());
        Assert.Equal(TcpState.SynSent, q.State);
        Assert.Equal(1, q.Stack.Counters.Drops(TcpDropReason.SynSentNoSyn));
    }

    [Fact]
    public void Out_of_order_fin_is_taken_once_the_data_before_it_arrives()
    {
        var p = new CraftedPeer();
        p.ToEstablished();
        p.Deliver(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt + 100, p.LocalIss + 1, payloadLength: 50);
        Assert.Equal(TcpState.Established, p.State);
        p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 1, payloadLength: 100);
        Assert.Equal(TcpState.CloseWait, p.State);
        Assert.Equal(150, p.Stack.Available(p.Handle));
        Assert.Equal(p.PeerNxt + 151, p.Poll().Last().Ack);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void Listen_answers_an_ack_with_rst_seq_seg_ack()
    {
        var p = new CraftedPeer();
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Ack, new SeqNum(5), new SeqNum(12345));
        var rst = p.Poll().Single();
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(12345u, rst.Seq.Value);
    }

    [Fact]
    public void Listen_drops_syns_beyond_the_backlog_when_syn_cookies_are_off()
    {
        var p = new CraftedPeer(new TcpSettings { SynCookies = false });
        p.Stack.Listen(CraftedPeer.LocalPort, backlog: 2);
        for (ushort port = 1000; port < 1003; port++)
            p.Deliver(TcpFlags.Syn, new SeqNum(port), default, fromPort: port);
        Assert.Equal(2, p.Poll().Count);
        Assert.Equal(2, p.Stack.ConnectionCount);
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.ListenOverflow));
    }

    [Fact]
    public void No_connection_ack_segment_gets_rst_with_seq_seg_ack()
    {
        var p = new CraftedPeer();
        p.Deliver(TcpFlags.Ack, new SeqNum(10), new SeqNum(999), payloadLength: 5);
        var rst = p.Poll().Single();
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(999u, rst.Seq.Value);
    }

    [Fact]
    public void No_connection_non_ack_segment_gets_rst_ack_with_ack_seq_plus_len()
    {
        var p = new CraftedPeer();
        p.Deliver(TcpFlags.Syn | TcpFlags.Fin, new SeqNum(10), default, payloadLength: 5);
        var rst = p.Poll().Single();
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, rst.Flags);
        Assert.Equal(0u, rst.Seq.Value);
        Assert.Equal(10u + 5 + 2, rst.Ack.Value);
    }

    [Fact]
    public void No_connection_rst_is_never_answered()
    {
        var p = new CraftedPeer();
        p.Deliver(TcpFlags.Rst | TcpFlags.Ack, new SeqNum(10), new SeqNum(20));
        Assert.Empty(p.Poll());
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.RstNoConnection));
    }

    [Fact]
    public void Data_for_a_connection_the_application_closed_is_answered_with_rst()
    {
        var p = new CraftedPeer();
        p.ToFinWait2();
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, p.LocalIss + 2, payloadLength: 10);
        var rst = p.Poll().Single();
        Assert.True(rst.Has(TcpFlags.Rst));
        Assert.Equal(TcpState.Closed, p.State);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void Data_after_close_is_reset_at_the_peers_own_ack_so_the_rst_is_accepted_though_our_fin_was_lost()
    {
        var p = new CraftedPeer();
        p.ToFinWait1();
        // The peer never got our FIN: its RCV.NXT, and so its ACK, is still ISS + 1. A RST at SND.NXT (ISS + 2) would
        // be in its window but not exactly at RCV.NXT, and draw only a challenge ACK (RFC 5961 §3.2).
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, p.LocalIss + 1, payloadLength: 1);
        var rst = p.Poll().Single();
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(p.LocalIss + 1, rst.Seq);
        Assert.Equal(TcpState.Closed, p.State);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void Fin_wait_2_after_shutdown_keeps_receiving_and_has_no_timeout()
    {
        var p = new CraftedPeer();
        p.ToEstablished();
        p.Stack.Shutdown(p.Handle, p.Now);
        var fin = p.Poll().Single();
        p.Deliver(TcpFlags.Ack, p.PeerNxt, fin.Seq + 1);
        Assert.Equal(TcpState.FinWait2, p.State);
        p.Advance(Duration.FromSeconds(600));
        p.Poll();
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, fin.Seq + 1, payloadLength: 10);
        Assert.Equal(10, p.Stack.Available(p.Handle));
        Assert.Equal(TcpState.FinWait2, p.State);
    }

    [Fact]
    public void Fin_wait_2_times_out_for_a_closed_connection()
    {
        var p = new CraftedPeer();
        p.ToFinWait2();
        p.Advance(Duration.FromSeconds(60));
        Assert.Equal(p.Now, p.Stack.NextDeadline);
        p.Poll();
        Assert.Equal(TcpState.Closed, p.State);
        Assert.Equal(TcpTransitionCause.Timeout, p.Log.Transitions(p.Id).Last().Cause);
        p.Checker.ThrowIfViolated();
    }
}
