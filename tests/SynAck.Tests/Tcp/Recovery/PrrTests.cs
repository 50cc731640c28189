using SynAck.Tcp;
using SynAck.Tcp.Congestion;
using SynAck.Tests.Stack;
using SynAck.Wire;

namespace SynAck.Tests.Tcp.Recovery;

/// <summary>
/// Proportional Rate Reduction (RFC 9937, which obsoletes RFC 6937) with crafted SACKs: a NewReno sender (β = 1/2) with 20 segments in flight
/// loses some of them, and the test counts the data segments each ACK of the recovery lets go.
/// </summary>
public sealed class PrrTests
{
    private const int Mss = 1460;

    /// <summary>ESTABLISHED with SACK (no timestamps), NewReno, and 20 full segments in flight after slow start.</summary>
    private static (CraftedPeer P, SeqNum First) TwentyInFlight(bool prr)
    {
        var p = new CraftedPeer(new TcpSettings { CongestionControl = CongestionAlgorithm.NewReno, ProportionalRateReduction = prr });
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default, options: new TcpOptions { HasMss = true, Mss = Mss, SackPermitted = true });
        var synAck = p.Poll().Single();
        p.PeerNxt = new SeqNum(p.PeerIss + 1);
        p.Deliver(TcpFlags.Ack, p.PeerNxt, synAck.Seq + 1);
        Assert.True(p.Stack.TryAccept(CraftedPeer.LocalPort, out var h));
        Assert.True(p.Connection.SackOk);
        p.Stack.Send(h, new byte[200_000], p.Now);
        var sent = Data(p.Poll());
        Assert.Equal(10, sent.Count);
        SeqNum first = synAck.Seq + 1;
        // Slow start: each of the first ten segments acknowledged alone adds one SMSS (RFC 3465 L = 2 allows it) and two go.
        for (int i = 1; i <= 10; i++)
        {
            p.Deliver(TcpFlags.Ack, p.PeerNxt, first + i * Mss);
            Data(p.Poll());
        }
        SeqNum una = first + 10 * Mss;
        Assert.Equal(20 * Mss, p.Connection.SndMax - una);
        Assert.Equal(20 * Mss, p.Connection.Cwnd);
        return (p, una);
    }

    private static List<SegmentRecord> Data(List<SegmentRecord> sent) => sent.Where(r => r.Length > 0).ToList();

    /// <summary>An ACK of <paramref name="una"/> SACKing segments [<paramref name="from"/>, <paramref name="to"/>) of the flight.</summary>
    private static int AckSacking(CraftedPeer p, SeqNum una, int from, int to)
    {
        var o = new TcpOptions();
        o.TryAddSackBlock(new SackBlock(una + from * Mss, una + to * Mss));
        p.Deliver(TcpFlags.Ack, p.PeerNxt, una, options: o);
        return Data(p.Poll()).Count;
    }

    /// <summary>Segment 0 of the flight is lost; ACKs SACK segments 1..19 one at a time. Returns what each ACK released.</summary>
    private static List<int> OneLoss(bool prr)
    {
        var (p, una) = TwentyInFlight(prr);
        var perAck = new List<int>();
        for (int k = 2; k <= 20; k++)
            perAck.Add(AckSacking(p, una, 1, k));
        Assert.Equal(1, p.Stack.Counters.SackRecoveries);
        // The first two SACKs each let one new segment go (RFC 3042), so the flight at the loss is 22: ssthresh 11.
        Assert.Equal(11 * Mss, p.Connection.Ssthresh);
        return perAck;
    }

    [Fact]
    public void With_prr_one_loss_in_twenty_sends_one_segment_for_every_two_delivered_from_the_start_of_recovery()
    {
        // RFC 6937 §3: while pipe > ssthresh, sndcnt = ⌈prr_delivered · ssthresh / RecoverFS⌉ − prr_out, ssthresh / RecoverFS
        // = 11/22. Recovery starts at the third SACK (RFC 6675 §5: more than 2·SMSS SACKed); from there the ACKs release
        // 1 (the retransmission), 0, 1, 0, ... — the flight shrinks smoothly to ssthresh instead of pausing.
        var perAck = OneLoss(prr: true);
        Assert.Equal([1, 1], perAck.Take(2));
        var recovery = perAck.Skip(2).ToList();
        // The last ACKs find pipe down at ssthresh, where PRR-SSRB takes over.
        for (int i = 0; i < 14; i++)
            Assert.True(recovery[i] == (i % 2 == 0 ? 1 : 0), $"ACK {i} of the recovery released {recovery[i]}: {string.Join(",", recovery)}");
        // 17 ACKs delivered 17 segments; ⌈17 / 2⌉ = 9 went, one of them the retransmission.
        Assert.Equal(9, recovery.Sum());
    }

    [Fact]
    public void Without_prr_the_same_loss_pauses_until_pipe_falls_below_ssthresh()
    {
        // cwnd = ssthresh = 11 segments at once: after the retransmission nothing goes until pipe (18 beyond the highest
        // SACK, plus the retransmission) falls below 11 — the sending pattern PRR exists to avoid.
        var perAck = OneLoss(prr: false);
        var recovery = perAck.Skip(2).ToList();
        Assert.Equal(1, recovery[0]);
        Assert.Equal(0, recovery.Skip(1).Take(6).Sum());
    }

    [Fact]
    public void Far_below_ssthresh_an_ack_that_only_sacks_releases_what_it_delivered_and_one_that_advances_snd_una_one_segment_more()
    {
        // Segments 0..13 lost, 14..19 SACKed one by one (the first two SACKs each release a limited-transmit segment, RFC
        // 3042). From the third SACK pipe is far below ssthresh 11. RFC 9937 §4: the conservative bound (PRR-CRB,
        // max(prr_delivered − prr_out, DeliveredData)) unless the ACK is a SafeACK — it advances SND.UNA and shows no
        // further loss — when the slow-start bound adds one SMSS (PRR-SSRB). A SACK of one segment releases one; then
        // cumulative ACKs of the retransmissions release two each, slow start's pace, never a burst.
        var (p, una) = TwentyInFlight(prr: true);
        var perAck = new List<int>();
        for (int k = 15; k <= 20; k++)
            perAck.Add(AckSacking(p, una, 14, k));
        Assert.Equal(1, p.Stack.Counters.SackRecoveries);
        Assert.Equal([1, 1, 1, 1, 1, 1], perAck);

        var safe = new List<int>();
        for (int n = 1; n <= 3; n++)
        {
            var o = new TcpOptions();
            o.TryAddSackBlock(new SackBlock(una + 14 * Mss, una + 20 * Mss));
            p.Deliver(TcpFlags.Ack, p.PeerNxt, una + n * Mss, options: o);
            safe.Add(Data(p.Poll()).Count);
        }
        Assert.Equal([2, 2, 2], safe);

        var (q, una2) = TwentyInFlight(prr: false);
        var burst = new List<int>();
        for (int k = 15; k <= 17; k++)
            burst.Add(AckSacking(q, una2, 14, k));
        Assert.Equal(6, burst[2]);
    }
}
