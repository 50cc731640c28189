using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>RFC 3042 limited transmit with SACK, and a lost retransmission found from SACKs of later data.</summary>
public sealed class LimitedTransmitTests
{
    private const int Mss = 1460;

    /// <summary>A SACK connection (no timestamps) with a full initial window in flight; returns the first data byte.</summary>
    private static (CraftedPeer P, SeqNum First, List<SegmentRecord> Flight) Start()
    {
        var p = new CraftedPeer(new TcpSettings());
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default, options: new TcpOptions { HasMss = true, Mss = Mss, SackPermitted = true });
        var synAck = p.Poll().Single();
        p.PeerNxt = new SeqNum(p.PeerIss + 1);
        p.Deliver(TcpFlags.Ack, p.PeerNxt, synAck.Seq + 1);
        Assert.True(p.Stack.TryAccept(CraftedPeer.LocalPort, out var h));
        p.Stack.Send(h, new byte[60_000], p.Now);
        var flight = p.Poll().Where(r => r.Length > 0).ToList();
        Assert.True(flight.Count >= 4);
        return (p, synAck.Seq + 1, flight);
    }

    private static TcpOptions Sack(SeqNum left, SeqNum right)
    {
        var o = new TcpOptions();
        o.AddSackBlock(new SackBlock(left, right));
        return o;
    }

    [Fact]
    public void Each_of_the_first_two_sacked_segments_lets_one_new_segment_go_then_the_third_starts_recovery()
    {
        var (p, first, flight) = Start();
        SeqNum max = p.Connection.SndMax;
        int seg = flight[0].Length;
        // The first segment is lost; the second arrives and is SACKed. Cwnd is used up, yet one new segment goes.
        p.Deliver(TcpFlags.Ack, p.PeerNxt, first, options: Sack(first + seg, first + 2 * seg));
        var out1 = p.Poll().Where(r => r.Length > 0).ToList();
        Assert.Equal([max], out1.Select(r => r.Seq));
        Assert.False(p.Connection.InSackRecovery);

        p.Deliver(TcpFlags.Ack, p.PeerNxt, first, options: Sack(first + seg, first + 3 * seg));
        var out2 = p.Poll().Where(r => r.Length > 0).ToList();
        Assert.Equal([max + seg], out2.Select(r => r.Seq));
        Assert.False(p.Connection.InSackRecovery);

        // Three segments SACKed above the hole (RFC 6675 DupThresh): recovery, and the hole goes at once.
        p.Deliver(TcpFlags.Ack, p.PeerNxt, first, options: Sack(first + seg, first + 4 * seg));
        var out3 = p.Poll().Where(r => r.Length > 0).ToList();
        Assert.True(p.Connection.InSackRecovery);
        Assert.Equal(first, out3[0].Seq);
        Assert.Equal(1, p.Stack.Counters.SackRecoveries);
        Assert.Equal(0, p.Stack.Counters.RetransmissionTimeouts);
    }

    [Fact]
    public void A_lost_retransmission_of_snd_una_is_sent_again_once_data_sent_after_it_is_sacked()
    {
        var (p, first, flight) = Start();
        int seg = flight[0].Length;
        for (int k = 2; k <= 4; k++)
            p.Deliver(TcpFlags.Ack, p.PeerNxt, first, options: Sack(first + seg, first + k * seg));
        var sent = p.Poll().Where(r => r.Length > 0).ToList();
        Assert.Equal(1, sent.Count(r => r.Seq == first));
        // The rest of the first flight arrives: pipe empties and new data goes out after the retransmission.
        SeqNum mark = p.Connection.SndMax;
        p.Deliver(TcpFlags.Ack, p.PeerNxt, first, options: Sack(first + seg, mark));
        var fresh = p.Poll().Where(r => r.Length > 0 && r.Seq >= mark).ToList();
        Assert.True(fresh.Count >= 3, $"{fresh.Count} new segments");
        // That new data is SACKed too, the retransmission of SND.UNA is not: it was lost, and goes once more.
        p.Deliver(TcpFlags.Ack, p.PeerNxt, first, options: Sack(first + seg, p.Connection.SndMax));
        var again = p.Poll().Where(r => r.Length > 0).ToList();
        Assert.Contains(again, r => r.Seq == first);
        Assert.Equal(0, p.Stack.Counters.RetransmissionTimeouts);
    }
}
