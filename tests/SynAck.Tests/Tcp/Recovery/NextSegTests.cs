using SynAck.Tcp;
using SynAck.Tcp.Congestion;
using SynAck.Tests.Stack;
using SynAck.Wire;

namespace SynAck.Tests.Tcp.Recovery;

/// <summary>
/// RFC 6675 §4 IsLost and NextSeg rules 1–4 with crafted SACKs: a NewReno sender with 20 segments in flight (flight
/// index 0 = SND.UNA), the virtual clock standing still so no RACK or TLP timer interferes.
/// </summary>
public sealed class NextSegTests
{
    private const int Mss = 1460;

    private static (CraftedPeer P, SeqNum Una) TwentyInFlight(bool rack, int totalSegments, bool tlp = true)
    {
        var p = new CraftedPeer(new TcpSettings { CongestionControl = CongestionAlgorithm.NewReno, Rack = rack, TailLossProbe = tlp });
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default, options: new TcpOptions { HasMss = true, Mss = Mss, SackPermitted = true });
        var synAck = p.Poll().Single();
        p.PeerNxt = new SeqNum(p.PeerIss + 1);
        p.Deliver(TcpFlags.Ack, p.PeerNxt, synAck.Seq + 1);
        Assert.True(p.Stack.TryAccept(CraftedPeer.LocalPort, out var h));
        p.Stack.Send(h, new byte[totalSegments * Mss], p.Now);
        p.Poll();
        SeqNum first = synAck.Seq + 1;
        for (int i = 1; i <= 10; i++)
        {
            p.Deliver(TcpFlags.Ack, p.PeerNxt, first + i * Mss);
            p.Poll();
        }
        SeqNum una = first + 10 * Mss;
        Assert.Equal(20 * Mss, p.Connection.SndMax - una);
        return (p, una);
    }

    /// <summary>An ACK of <paramref name="una"/> with SACK blocks given as flight indexes [from, to); returns the data segments it released, as flight indexes.</summary>
    private static List<int> Ack(CraftedPeer p, SeqNum una, params (int From, int To)[] blocks)
    {
        var o = new TcpOptions();
        foreach (var (from, to) in blocks)
            o.TryAddSackBlock(new SackBlock(una + from * Mss, una + to * Mss));
        p.Deliver(TcpFlags.Ack, p.PeerNxt, una, options: o);
        return p.Poll().Where(r => r.Length > 0).Select(r => (r.Seq - una) / Mss).ToList();
    }

    /// <summary>Index 0 lost; 1..16 SACKed one ACK at a time (recovery starts at the third); returns the indexes sent meanwhile.</summary>
    private static List<int> LoseFirst(CraftedPeer p, SeqNum una)
    {
        var sent = new List<int>();
        for (int k = 2; k <= 17; k++)
            sent.AddRange(Ack(p, una, (1, k)));
        Assert.True(p.Connection.InSackRecovery);
        Assert.Contains(0, sent);
        return sent;
    }

    [Fact]
    public void Without_rack_a_hole_with_one_segment_sacked_above_is_not_lost_and_new_data_goes_first()
    {
        // RFC 6675 §4: IsLost needs DupThresh (3) SACKed ranges or more than 2·SMSS SACKed above. Index 17 is missing with
        // only index 18 SACKed above it: rule 1 passes it by, rule 2 sends new data. When two more segments above it are
        // SACKed it is lost, and rule 1 resends it.
        var (p, una) = TwentyInFlight(rack: false, totalSegments: 60);
        LoseFirst(p, una);
        var sent = Ack(p, una, (18, 19), (1, 17));
        Assert.DoesNotContain(17, sent);
        Assert.All(sent, i => Assert.True(i >= 20, $"index {i} is not new data"));
        Assert.DoesNotContain(17, Ack(p, una, (18, 20), (1, 17)));
        Assert.Contains(17, Ack(p, una, (18, 21), (1, 17)));
        Assert.Equal(1, p.Stack.Counters.SackRecoveries);
    }

    [Fact]
    public void With_rack_the_same_hole_counts_as_lost_at_once()
    {
        // RFC 8985 §6.2 judges by time, not by count: the hole below the SACKed segment was sent before it, more than the
        // reordering window ago, so in recovery it is resent at once.
        var (p, una) = TwentyInFlight(rack: true, totalSegments: 60);
        LoseFirst(p, una);
        Assert.Contains(17, Ack(p, una, (18, 19), (1, 17)));
    }

    [Fact]
    public void Rule_3_resends_a_hole_not_yet_lost_when_there_is_no_new_data()
    {
        // Everything written is in flight, so rule 2 has nothing: rule 3 takes the hole at index 17 although IsLost is
        // still false for it.
        var (p, una) = TwentyInFlight(rack: false, totalSegments: 30);
        LoseFirst(p, una);
        Assert.Equal([17], Ack(p, una, (18, 19), (1, 17)));
    }

    [Fact]
    public void Without_tlp_rule_4_sends_one_rescue_retransmission_of_the_last_segment()
    {
        // Index 0 and the last index 19 lost, 1..18 SACKed, nothing new to send: no hole is left above HighRxt, so rule 4
        // resends the segment holding the highest unSACKed byte — once per recovery (RescueRxt = RecoveryPoint) — instead
        // of leaving the tail to the RTO.
        var sent = LoseFirstAndLast(tlp: false);
        Assert.Equal(1, sent.Count(i => i == 19));
        Assert.Equal(1, sent.Count(i => i == 0));
    }

    [Fact]
    public void With_tlp_there_is_no_rescue_retransmission_the_probe_finds_the_tail()
    {
        // As Linux: the tail of a stalled recovery is left to the loss probe (RFC 8985 §7), which waits two round trips
        // rather than resending what may still be in flight.
        var sent = LoseFirstAndLast(tlp: true);
        Assert.DoesNotContain(19, sent);
        Assert.Equal(1, sent.Count(i => i == 0));
    }

    private static List<int> LoseFirstAndLast(bool tlp)
    {
        var (p, una) = TwentyInFlight(rack: true, totalSegments: 30, tlp);
        var sent = new List<int>();
        for (int k = 2; k <= 19; k++)
            sent.AddRange(Ack(p, una, (1, k)));
        Assert.Equal(0, p.Stack.Counters.LossProbes);
        Assert.Equal(0, p.Stack.Counters.RetransmissionTimeouts);
        return sent;
    }
}
