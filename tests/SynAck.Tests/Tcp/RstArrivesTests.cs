using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>RFC 9293 §3.10.7 with RFC 5961 §3: a RST in each state.</summary>
public sealed class RstArrivesTests
{
    [Fact]
    public void Listen_ignores_rst()
    {
        var p = new CraftedPeer();
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Rst, new SeqNum(5), default);
        Assert.Empty(p.Poll());
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.ListenRst));
    }

    [Fact]
    public void Syn_sent_rst_with_acceptable_ack_is_connection_refused()
    {
        var p = new CraftedPeer();
        p.ToSynSent();
        p.Deliver(TcpFlags.Rst | TcpFlags.Ack, default, p.LocalIss + 1);
        Assert.Equal(TcpState.Closed, p.Stack.State(p.Handle));
        Assert.Equal(TcpError.Refused, p.Stack.Error(p.Handle));
        Assert.Empty(p.Poll());
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void Syn_sent_rst_without_ack_or_with_a_wrong_ack_is_dropped_silently()
    {
        var p = new CraftedPeer();
        p.ToSynSent();
        p.Deliver(TcpFlags.Rst, new SeqNum(1), default);
        p.Deliver(TcpFlags.Rst | TcpFlags.Ack, default, p.LocalIss + 7);
        Assert.Empty(p.Poll());
        Assert.Equal(TcpState.SynSent, p.State);
    }

    [Fact]
    public void Syn_received_from_listen_returns_to_listen_on_rst()
    {
        var p = new CraftedPeer();
        p.ToSynReceived();
        p.Deliver(TcpFlags.Rst, p.PeerNxt, default);
        Assert.Equal(TcpState.Closed, p.State);
        Assert.Equal(0, p.Stack.ConnectionCount);
        Assert.Equal([TcpState.Listen, TcpState.SynReceived, TcpState.Listen], p.Log.States(p.Id));
        Assert.Equal(1, p.Stack.Counters.AttemptFails);
        // The listener is still there and takes the next SYN.
        p.Deliver(TcpFlags.Syn, new SeqNum(777), default);
        Assert.True(p.Poll().Single().Has(TcpFlags.Syn | TcpFlags.Ack));
        p.Checker.ThrowIfViolated();
    }

    [Theory]
    [InlineData(TcpState.Established)]
    [InlineData(TcpState.FinWait1)]
    [InlineData(TcpState.FinWait2)]
    [InlineData(TcpState.CloseWait)]
    [InlineData(TcpState.Closing)]
    [InlineData(TcpState.LastAck)]
    public void Synchronized_state_resets_on_rst_exactly_at_rcv_nxt(TcpState state)
    {
        var p = new CraftedPeer();
        p.To(state);
        p.Deliver(TcpFlags.Rst, p.PeerNxt, default);
        Assert.Equal(TcpState.Closed, p.State);
        Assert.Empty(p.Poll());
        var last = p.Log.Transitions(p.Id).Last();
        Assert.Equal((TcpState.Closed, TcpTransitionCause.RcvRst), (last.To, last.Cause));
        Assert.Contains(p.Log.Events, e => e.Kind == TcpEventKind.ConnectionError && e.Error == TcpError.Reset);
        p.Checker.ThrowIfViolated();
    }

    [Theory]
    [InlineData(TcpState.Established)]
    [InlineData(TcpState.FinWait2)]
    [InlineData(TcpState.CloseWait)]
    public void Rst_in_window_but_not_at_rcv_nxt_gets_a_challenge_ack(TcpState state)
    {
        var p = new CraftedPeer();
        p.To(state);
        p.Deliver(TcpFlags.Rst, p.PeerNxt + 10, default);
        var ack = p.Poll().Single();
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(p.PeerNxt, ack.Ack);
        Assert.Equal(p.LocalNxt, ack.Seq);
        Assert.Equal(state, p.State);
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.RstChallenged));
    }

    [Theory]
    [InlineData(TcpState.Established, true)]
    [InlineData(TcpState.CloseWait, true)]
    [InlineData(TcpState.FinWait2, true)]
    [InlineData(TcpState.LastAck, false)]
    [InlineData(TcpState.Closing, false)]
    [InlineData(TcpState.SynSent, false)]
    public void Abort_sends_rst_only_where_rfc_9293_says(TcpState state, bool rst)
    {
        var p = new CraftedPeer();
        p.To(state);
        var sndNxt = p.LocalNxt;
        if (state == TcpState.FinWait2 || state == TcpState.Closing || state == TcpState.LastAck)
        {
            // The handle retired with Close; abort through the connection itself.
            p.Connection.Abort(p.Now);
        }
        else
        {
            p.Stack.Abort(p.Handle, p.Now);
        }
        var sent = p.Poll();
        Assert.Equal(rst, sent.Any(s => s.Flags == TcpFlags.Rst));
        if (rst)
            Assert.Equal(sndNxt, sent.Single().Seq);
        Assert.Equal(TcpState.Closed, p.State);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void Time_wait_ignores_rst_rfc_1337()
    {
        var p = new CraftedPeer();
        p.ToTimeWait();
        p.Deliver(TcpFlags.Rst, p.PeerNxt, default);
        Assert.Equal(TcpState.TimeWait, p.State);
        Assert.Empty(p.Poll());
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.TimeWaitRst));
    }

    [Fact]
    public void Challenge_acks_are_rate_limited_per_connection()
    {
        // RFC 5961 §7 with Linux's per-socket tcp_invalid_ratelimit: one challenge ACK per 500 ms per connection.
        var p = new CraftedPeer();
        p.ToEstablished();
        for (int i = 0; i < 5; i++)
            p.Deliver(TcpFlags.Rst, p.PeerNxt + 10 + i, default);
        Assert.Single(p.Poll());
        Assert.Equal(1, p.Stack.Counters.ChallengeAcks);
        Assert.Equal(4, p.Stack.Counters.Drops(TcpDropReason.ChallengeAckLimited));
        p.Advance(Duration.FromMilliseconds(499));
        p.Deliver(TcpFlags.Rst, p.PeerNxt + 10, default);
        Assert.Empty(p.Poll());
        p.Advance(Duration.FromMilliseconds(1));
        p.Deliver(TcpFlags.Rst, p.PeerNxt + 10, default);
        Assert.Single(p.Poll());
        Assert.Equal(2, p.Stack.Counters.ChallengeAcks);
    }

    [Fact]
    public void Challenge_acks_are_rate_limited_stack_wide()
    {
        // Without the per-connection limit, the stack-wide budget of the second (1 or 2 for a limit of 2) still holds.
        var p = new CraftedPeer(new TcpSettings { ChallengeAckLimit = 2, InvalidAckInterval = Duration.Zero });
        p.ToEstablished();
        for (int i = 0; i < 5; i++)
            p.Deliver(TcpFlags.Rst, p.PeerNxt + 10 + i, default);
        Assert.Single(p.Poll());  // one ACK carries every allowed challenge
        long sent = p.Stack.Counters.ChallengeAcks;
        Assert.InRange(sent, 1, 2);
        Assert.Equal(5 - sent, p.Stack.Counters.Drops(TcpDropReason.ChallengeAckLimited));
    }
}
