using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>
/// Deviations in congestion control and loss recovery found in review (issue 11), one crafted-segment test each.
/// </summary>
public sealed class CongestionFindingsTests
{
    private const int Mss = 1460;

    /// <summary>ESTABLISHED without SACK or timestamps (the peer offered neither) and a full initial window in flight.</summary>
    private static (CraftedPeer P, SeqNum First, List<SegmentRecord> Flight) NewRenoFlight(int bytes = 200_000)
    {
        var p = new CraftedPeer();
        p.ToEstablished();
        Assert.False(p.Connection.SackOk);
        p.Stack.Send(p.Handle, new byte[bytes], p.Now);
        var flight = p.Poll().Where(r => r.Length > 0).ToList();
        Assert.Equal(10, flight.Count);
        return (p, p.LocalIss + 1, flight);
    }

    private static List<SegmentRecord> Data(List<SegmentRecord> sent) => sent.Where(r => r.Length > 0).ToList();

    [Fact]
    public void NewReno_fast_recovery_inflates_cwnd_per_further_duplicate_ack_and_sends_new_data()
    {
        // RFC 5681 §3.2 steps 4–5 (with RFC 6582): cwnd = ssthresh + 3·SMSS on entering, +1 SMSS for each further
        // duplicate ACK, and a new segment goes whenever cwnd allows — the pipe keeps flowing during recovery.
        var (p, first, flight) = NewRenoFlight();
        SeqNum max = p.Connection.SndMax;
        int flightSize = max - first;
        for (int i = 0; i < 3; i++)
            p.Deliver(TcpFlags.Ack, p.PeerNxt, first);
        var fr = Data(p.Poll());
        Assert.Equal(first, Assert.Single(fr).Seq);
        int ssthresh = p.Connection.Ssthresh;
        Assert.Equal(ssthresh + 3 * Mss, p.Connection.Cwnd);

        var fresh = new List<SegmentRecord>();
        int further = 0;
        while (p.Connection.Cwnd <= flightSize + 2 * Mss)
        {
            int before = p.Connection.Cwnd;
            p.Deliver(TcpFlags.Ack, p.PeerNxt, first);
            further++;
            Assert.Equal(before + Mss, p.Connection.Cwnd);
            fresh.AddRange(Data(p.Poll()));
        }
        // Every segment sent now is new data beyond the old SND.MAX, as many as cwnd exceeds the flight.
        Assert.NotEmpty(fresh);
        Assert.All(fresh, r => Assert.True(r.Seq >= max, $"{r.Seq} below {max}"));
        Assert.Equal((p.Connection.Cwnd - flightSize) / Mss, fresh.Count);
        Assert.True(further >= 3);
    }

    [Fact]
    public void NewReno_full_ack_deflates_cwnd_to_ssthresh()
    {
        // RFC 6582 §3.2 step 3: an ACK covering `recover` ends recovery with cwnd = ssthresh (or the flight + SMSS when smaller).
        var (p, first, _) = NewRenoFlight();
        for (int i = 0; i < 8; i++)
            p.Deliver(TcpFlags.Ack, p.PeerNxt, first);
        p.Poll();
        int ssthresh = p.Connection.Ssthresh;
        p.Deliver(TcpFlags.Ack, p.PeerNxt, p.Connection.SndMax);
        Assert.True(p.Connection.Cwnd <= ssthresh, $"cwnd {p.Connection.Cwnd} > ssthresh {ssthresh}");
    }

    [Fact]
    public void Duplicate_acks_below_recover_after_a_timeout_do_not_start_fast_recovery()
    {
        // RFC 6582 §3.2 (and RFC 6675 §5.1): a timeout sets recover = SND.MAX. The go-back-N retransmissions that follow
        // produce duplicate ACKs for data the receiver already holds; below `recover` they must not halve cwnd again.
        var (p, first, _) = NewRenoFlight();
        p.Now = p.Connection.RetransmissionDeadline;
        var rexmit = Data(p.Poll());
        Assert.Equal(first, Assert.Single(rexmit).Seq);
        Assert.Equal(1, p.Stack.Counters.RetransmissionTimeouts);
        int ssthresh = p.Connection.Ssthresh;

        // The retransmission fills the hole up to the third segment; go-back-N resends the second and third, and the
        // receiver, which already holds more, answers each with the same ACK.
        p.Deliver(TcpFlags.Ack, p.PeerNxt, first + 2 * Mss);
        p.Poll();
        for (int i = 0; i < 4; i++)
            p.Deliver(TcpFlags.Ack, p.PeerNxt, first + 2 * Mss);
        p.Poll();
        Assert.Equal(0, p.Stack.Counters.FastRecoveries);
        Assert.Equal(ssthresh, p.Connection.Ssthresh);
    }

    [Fact]
    public void After_an_idle_period_longer_than_the_rto_cwnd_restarts_at_the_initial_window()
    {
        // RFC 5681 §4.1 (Linux tcp_slow_start_after_idle): after idling longer than an RTO, cwnd = min(IW, cwnd), so a
        // long quiet connection does not dump a large stale window into the network at once.
        var p = new CraftedPeer();
        p.ToEstablished();
        p.Stack.Send(p.Handle, new byte[40 * Mss], p.Now);
        for (int round = 0; round < 10; round++)
        {
            var sent = Data(p.Poll());
            if (sent.Count == 0)
                break;
            p.Advance(Duration.FromMilliseconds(10));
            foreach (var s in sent)
                p.Deliver(TcpFlags.Ack, p.PeerNxt, s.Seq + s.Length);
        }
        Assert.Equal(p.Connection.SndMax, p.Connection.SndUna);
        Assert.True(p.Connection.Cwnd >= 20 * Mss, $"cwnd {p.Connection.Cwnd}");

        p.Advance(Duration.FromSeconds(30));
        p.Stack.Send(p.Handle, new byte[40 * Mss], p.Now);
        var burst = Data(p.Poll());
        Assert.Equal(10, burst.Count);
    }

    [Fact]
    public void Initial_window_is_one_segment_after_the_syn_was_retransmitted()
    {
        // RFC 5681 §3.1 / RFC 6928 §2: when the SYN or SYN-ACK was lost, the initial window MUST be one segment.
        var p = new CraftedPeer();
        p.ToSynSent();
        p.Now = p.Stack.NextDeadline;
        var again = p.Poll().Single();
        Assert.Equal(TcpFlags.Syn, again.Flags);
        p.Deliver(TcpFlags.Syn | TcpFlags.Ack, p.PeerNxt, p.LocalIss + 1, options: new TcpOptions { HasMss = true, Mss = Mss });
        p.PeerNxt += 1;
        p.Poll();
        Assert.Equal(TcpState.Established, p.State);
        p.Stack.Send(p.Handle, new byte[20 * Mss], p.Now);
        Assert.Single(Data(p.Poll()));
    }

    [Fact]
    public void Initial_window_is_one_segment_after_the_syn_ack_was_retransmitted()
    {
        var p = new CraftedPeer();
        p.ToSynReceived();
        p.Now = p.Stack.NextDeadline;
        var again = p.Poll().Single();
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, again.Flags);
        p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 1);
        p.Poll();
        Assert.True(p.Stack.TryAccept(CraftedPeer.LocalPort, out var h));
        p.Stack.Send(h, new byte[20 * Mss], p.Now);
        Assert.Single(Data(p.Poll()));
    }

    [Fact]
    public void Sack_recovery_without_sack_blocks_retransmits_snd_una_at_once()
    {
        // RFC 6675 §5 step 4.3: entering recovery retransmits the segment at HighACK + 1 whatever the scoreboard holds —
        // three duplicate ACKs whose SACK blocks were lost (or never sent) must not leave recovery waiting for the RTO.
        var p = new CraftedPeer();
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default, options: new TcpOptions { HasMss = true, Mss = Mss, SackPermitted = true });
        var synAck = p.Poll().Single();
        p.PeerNxt = new SeqNum(p.PeerIss + 1);
        p.Deliver(TcpFlags.Ack, p.PeerNxt, synAck.Seq + 1);
        Assert.True(p.Stack.TryAccept(CraftedPeer.LocalPort, out var h));
        Assert.True(p.Connection.SackOk);
        p.Stack.Send(h, new byte[60_000], p.Now);
        Assert.Equal(10, Data(p.Poll()).Count);
        SeqNum first = synAck.Seq + 1;
        for (int i = 0; i < 3; i++)
            p.Deliver(TcpFlags.Ack, p.PeerNxt, first);
        var sent = Data(p.Poll());
        Assert.Equal(1, p.Stack.Counters.FastRecoveries);
        Assert.Contains(sent, r => r.Seq == first);
    }
}
