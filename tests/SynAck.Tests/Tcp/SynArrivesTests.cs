using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>RFC 9293 §3.10.7 fourth step (with RFC 5961 §4): a SYN in each state.</summary>
public sealed class SynArrivesTests
{
    [Fact]
    public void Listen_answers_a_syn_with_syn_ack_carrying_mss_and_ack_isn_plus_one()
    {
        var p = new CraftedPeer();
        p.ToSynReceived();
        var synAck = p.Log.Of(TcpEventKind.SegmentSent).Single().Segment;
        Assert.Equal(new SeqNum(p.PeerIss + 1), synAck.Ack);
        Assert.True(synAck.Options.HasMss);
        Assert.Equal(1, p.Stack.Counters.PassiveOpens);
    }

    [Fact]
    public void Syn_sent_receiving_a_bare_syn_is_a_simultaneous_open()
    {
        var p = new CraftedPeer();
        p.ToSynSent();
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default);
        Assert.Equal(TcpState.SynReceived, p.State);
        var synAck = p.Poll().Single();
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(p.LocalIss, synAck.Seq);
        Assert.Equal(new SeqNum(p.PeerIss + 1), synAck.Ack);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void Syn_received_retransmits_syn_ack_for_a_duplicate_syn()
    {
        var p = new CraftedPeer();
        p.ToSynReceived();
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default);
        var again = p.Poll().Single();
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, again.Flags);
        Assert.Equal(p.LocalIss, again.Seq);
        Assert.Equal(TcpState.SynReceived, p.State);
    }

    [Fact]
    public void Syn_received_from_listen_returns_to_listen_on_a_new_syn_in_the_window()
    {
        var p = new CraftedPeer();
        p.ToSynReceived();
        p.Deliver(TcpFlags.Syn, p.PeerNxt + 5, default);
        Assert.Equal(TcpState.Closed, p.State);
        Assert.Equal([TcpState.Listen, TcpState.SynReceived, TcpState.Listen], p.Log.States(p.Id));
        p.Checker.ThrowIfViolated();
    }

    [Theory]
    [InlineData(TcpState.Established)]
    [InlineData(TcpState.FinWait1)]
    [InlineData(TcpState.FinWait2)]
    [InlineData(TcpState.CloseWait)]
    [InlineData(TcpState.Closing)]
    [InlineData(TcpState.LastAck)]
    public void Synchronized_state_answers_a_syn_with_a_challenge_ack_and_stays(TcpState state)
    {
        var p = new CraftedPeer();
        p.To(state);
        p.Deliver(TcpFlags.Syn, p.PeerNxt, default);
        var ack = p.Poll().Single();
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(p.PeerNxt, ack.Ack);
        Assert.Equal(state, p.State);
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.SynChallenged));
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void Time_wait_reopens_for_a_syn_above_rcv_nxt_with_an_isn_above_the_old_connection()
    {
        var p = new CraftedPeer();
        p.ToTimeWait();
        p.Deliver(TcpFlags.Syn, p.PeerNxt + 100_000, default);
        Assert.Equal(TcpState.SynReceived, p.State);
        var synAck = p.Poll().Single();
        Assert.True(synAck.Seq > p.LocalIss + 2);
        var causes = p.Log.Transitions(p.Id).Select(t => (t.To, t.Cause)).TakeLast(2).ToArray();
        Assert.Equal((TcpState.Closed, TcpTransitionCause.RcvSyn), causes[0]);
        Assert.Equal((TcpState.SynReceived, TcpTransitionCause.RcvSyn), causes[1]);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void Time_wait_answers_an_old_syn_with_an_ack_and_keeps_waiting()
    {
        var p = new CraftedPeer();
        p.ToTimeWait();
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default);
        var ack = p.Poll().Single();
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(TcpState.TimeWait, p.State);
    }

    [Fact]
    public void Two_way_handshake_demo_establishes_on_the_syn_alone_and_accepts_its_data()
    {
        var p = new CraftedPeer(new TcpSettings { DemoTwoWayHandshake = true });
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Syn | TcpFlags.Psh, new SeqNum(p.PeerIss), default, payloadLength: 10);
        Assert.Equal(TcpState.Established, p.State);
        Assert.True(p.Stack.TryAccept(CraftedPeer.LocalPort, out var h));
        Assert.Equal(10, p.Stack.Available(h));
        Assert.Contains(p.Checker.Seen, t => TcpStateTable.IsDemonstrationOnly(t.Transition));
        p.Checker.ThrowIfViolated();
    }
}
