using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>
/// The per-connection limit on ACKs answering invalid segments (Linux <c>tcp_invalid_ratelimit</c>, 500 ms): it keeps
/// two ends from acknowledging each other's unacceptable ACKs forever, and spoofed segments from provoking unbounded
/// answers; data is always acknowledged.
/// </summary>
public sealed class InvalidAckLimitTests
{
    private static readonly Duration Interval = TcpSettings.Default.InvalidAckInterval;

    [Fact]
    public void Out_of_window_acks_are_answered_once_per_interval()
    {
        var p = new CraftedPeer();
        p.ToEstablished();
        var far = p.PeerNxt + 1_000_000;
        p.Deliver(TcpFlags.Ack, far, p.LocalIss + 1);
        Assert.Equal(p.PeerNxt, p.Poll().Single().Ack);
        p.Advance(Interval - new Duration(1));
        p.Deliver(TcpFlags.Ack, far, p.LocalIss + 1);
        Assert.Empty(p.Poll());
        Assert.Equal(1, p.Stack.Counters.InvalidAcksLimited);
        p.Advance(new Duration(1));
        p.Deliver(TcpFlags.Ack, far, p.LocalIss + 1);
        Assert.Single(p.Poll());
        Assert.Equal(3, p.Stack.Counters.Drops(TcpDropReason.OutOfWindow));
    }

    [Fact]
    public void Old_data_is_acknowledged_every_time()
    {
        // A retransmission of data we hold tells us our ACK was lost: the sender needs one now (RFC 5681 §4.2).
        var p = new CraftedPeer();
        p.ToEstablished();
        p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 1, payloadLength: 100);
        p.Advance(p.Stack.Settings.DelayedAckTimeout);
        Assert.Single(p.Poll());
        for (int i = 0; i < 3; i++)
        {
            p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 1, payloadLength: 100);
            Assert.Equal(p.PeerNxt + 100, p.Poll().Single().Ack);
        }
        Assert.Equal(0, p.Stack.Counters.InvalidAcksLimited);
    }

    [Fact]
    public void Time_wait_answers_stale_acks_once_per_interval()
    {
        var p = new CraftedPeer();
        p.ToTimeWait();
        p.Advance(Interval);
        p.Deliver(TcpFlags.Ack, p.PeerNxt + 200_000, p.LocalIss + 2);
        Assert.Single(p.Poll());
        p.Deliver(TcpFlags.Ack, p.PeerNxt + 200_000, p.LocalIss + 2);
        Assert.Empty(p.Poll());
        Assert.Equal(1, p.Stack.Counters.InvalidAcksLimited);
        // A retransmitted FIN is always acknowledged again.
        p.Deliver(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt - 1, p.LocalIss + 2);
        Assert.Equal(p.PeerNxt, p.Poll().Single().Ack);
        Assert.Equal(TcpState.TimeWait, p.State);
    }
}
