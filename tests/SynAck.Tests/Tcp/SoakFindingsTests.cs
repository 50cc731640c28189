using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>Engine faults found by <c>synack soak</c>, each reduced to crafted segments.</summary>
public sealed class SoakFindingsTests
{
    [Fact]
    public void A_sack_block_that_covers_our_fin_does_not_carry_the_resend_past_the_data_after_a_timeout()
    {
        // Linux counts a FIN in an out-of-order segment's end, so its SACK block can end one past our FIN. After
        // an RTO, SND.NXT skips what is SACKed (RFC 6675 §5.1); it must stop at the end of the data and the FIN,
        // not run past the send buffer (the host loop died on it with ArgumentOutOfRangeException).
        var p = new CraftedPeer(new TcpSettings { Timestamps = false });
        var synAck = p.ToEstablishedWithSack(1000);
        var h = p.Handle;

        Assert.Equal(3000, p.Stack.Send(h, new byte[3000], p.Now));
        p.Stack.Close(h, p.Now);
        var sent = p.Poll();
        var fin = Assert.Single(sent, s => s.Has(TcpFlags.Fin));
        SeqNum dataStart = synAck.Seq + 1;
        SeqNum finEnd = fin.Seq + fin.Length + 1;

        // The first segment is lost; the receiver SACKs everything after it, the FIN included.
        var sack = new TcpOptions();
        sack.AddSackBlock(new SackBlock(dataStart + 1000, finEnd));
        p.Deliver(TcpFlags.Ack, new SeqNum(p.PeerIss + 1), dataStart, options: sack);
        var log = new List<SegmentRecord>(p.Poll());

        // Retransmission timers fire (the hole is never acknowledged): every resend stays within the data and FIN.
        for (int i = 0; i < 6; i++)
        {
            p.Advance(Duration.FromSeconds(2 << i));
            log.AddRange(p.Poll());
        }
        Assert.Contains(log, s => s.Seq == dataStart && s.Length == 1000);
        Assert.All(log, s => Assert.True(s.Seq + s.Length <= fin.Seq + fin.Length, $"sent past the data: {s}"));
        p.Checker.ThrowIfViolated();
    }
}
