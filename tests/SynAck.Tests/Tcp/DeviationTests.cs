using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>
/// Deviations from the RFCs listed in issue 11, one crafted-segment test each; every one failed before its fix.
/// </summary>
public sealed class DeviationTests
{
    private static ushort DestinationPort(SegmentRecord s)
    {
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(s.Packet, out var ip));
        Assert.Equal(WireStatus.Ok, ip.TryGetTcp(out var tcp));
        return tcp.DestinationPort;
    }

    /// <summary>Completes a passive open from <paramref name="port"/> on a stack already listening; returns the stack's ISS.</summary>
    private static SeqNum OpenFrom(CraftedPeer p, ushort port, SeqNum peerIss)
    {
        p.Deliver(TcpFlags.Syn, peerIss, default, options: new TcpOptions { HasMss = true, Mss = 1460 }, fromPort: port);
        var synAck = p.Poll().Single();
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        p.Deliver(TcpFlags.Ack, peerIss + 1, synAck.Seq + 1, fromPort: port);
        Assert.Empty(p.Poll());
        return synAck.Seq;
    }

    [Fact]
    public void Old_data_resent_with_the_fin_after_close_is_taken_as_the_fin_not_reset()
    {
        // RFC 1122 §4.2.2.13 resets a closed connection only for new data; RFC 9293 §3.10.7.4: "only the new parts"
        // of a segment are processed. The 100 bytes were received and read; the peer, missing our ACK, resends them
        // with its FIN — every byte arrived, so the FIN is all that is new.
        var p = new CraftedPeer();
        p.ToEstablished();
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, p.LocalIss + 1, payloadLength: 100);
        Assert.Equal(100, p.Stack.Receive(p.Handle, new byte[200], p.Now));
        p.Stack.Close(p.Handle, p.Now);
        var fin = p.Poll().Single(s => s.Has(TcpFlags.Fin));
        Assert.Equal(p.PeerNxt + 100, fin.Ack);

        p.Deliver(TcpFlags.Fin | TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, fin.Seq + 1, payloadLength: 100);
        var answer = p.Poll().Single();
        Assert.False(answer.Has(TcpFlags.Rst));
        Assert.Equal(TcpFlags.Ack, answer.Flags);
        Assert.Equal(p.PeerNxt + 101, answer.Ack);
        Assert.Equal(TcpState.TimeWait, p.State);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void Spoofed_rsts_on_one_connection_do_not_silence_challenge_acks_on_another()
    {
        // CVE-2016-5696: with one stack-wide counter, an attacker who exhausts it learns from the missing challenge ACK
        // on another connection that an in-window RST hit there. Linux limits per socket and randomises the global budget.
        var p = new CraftedPeer();
        p.ToEstablished();
        var peerB = new SeqNum(5_000_000);
        OpenFrom(p, 40001, peerB);
        for (int i = 0; i < 1500; i++)
            p.Deliver(TcpFlags.Rst, p.PeerNxt + 10, default);
        var toA = p.Poll();
        Assert.Single(toA);
        Assert.Equal(TcpState.Established, p.State);

        p.Deliver(TcpFlags.Rst, peerB + 1 + 10, default, fromPort: 40001);
        var toB = p.Poll().Single();
        Assert.Equal(TcpFlags.Ack, toB.Flags);
        Assert.Equal(40001, DestinationPort(toB));
        Assert.Equal(peerB + 1, toB.Ack);
        Assert.Equal(2, p.Stack.Counters.ChallengeAcks);
    }

    [Fact]
    public void The_stack_wide_challenge_ack_budget_varies_from_second_to_second()
    {
        // Linux draws the global budget afresh each second (between half and one and a half times the limit), so the
        // count of challenge ACKs an attacker can provoke does not reveal how many went to other connections.
        const int limit = 100;
        const int connections = 200;
        var p = new CraftedPeer(new TcpSettings { ChallengeAckLimit = limit });
        p.Stack.Listen(CraftedPeer.LocalPort, backlog: 512);
        var peers = new SeqNum[connections];
        for (int i = 0; i < connections; i++)
        {
            peers[i] = new SeqNum(10_000_000u + (uint)i * 1_000_000u);
            OpenFrom(p, (ushort)(41000 + i), peers[i]);
        }
        var perSecond = new List<int>();
        var start = Instant.FromMilliseconds((p.Now.Nanoseconds / 1_000_000_000 + 1) * 1000);
        for (int second = 0; second < 12; second++)
        {
            p.Now = start + Duration.FromSeconds(second) + Duration.FromMilliseconds(100);
            for (int i = 0; i < connections; i++)
                p.Deliver(TcpFlags.Rst, peers[i] + 1 + 10, default, fromPort: (ushort)(41000 + i));
            int acks = p.Poll().Count(s => s.Flags == TcpFlags.Ack);
            Assert.InRange(acks, limit / 2, limit * 3 / 2);
            perSecond.Add(acks);
        }
        Assert.True(perSecond.Distinct().Count() > 3, $"budgets: {string.Join(", ", perSecond)}");
    }

    [Fact]
    public void A_syn_cookie_never_raises_the_peers_mss()
    {
        // RFC 9293 §3.7.1: Eff.snd.MSS never exceeds what the peer announced; a cookie rounds down, never up.
        var p = new CraftedPeer();
        p.Stack.Listen(CraftedPeer.LocalPort, backlog: 1);
        p.Deliver(TcpFlags.Syn, new SeqNum(5000), default, options: new TcpOptions { HasMss = true, Mss = 1460 }, fromPort: 1000);
        Assert.Single(p.Poll());
        var peerIsn = new SeqNum(777_000);
        p.Deliver(TcpFlags.Syn, peerIsn, default, options: new TcpOptions { HasMss = true, Mss = 300 }, fromPort: 1001);
        var cookie = p.Poll().Single();
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.SynCookieSent));
        p.Deliver(TcpFlags.Ack, peerIsn + 1, cookie.Seq + 1, fromPort: 1001);
        var id = new ConnectionId(CraftedPeer.Local, CraftedPeer.LocalPort, CraftedPeer.Remote, 1001);
        Assert.Equal(TcpState.Established, p.Stack.StateOf(id));
        Assert.True(p.Stack.TryGetConnection(id, out var c));
        Assert.InRange(c.SndMss, 64, 300);

        Assert.True(p.Stack.TryAccept(CraftedPeer.LocalPort, out var h));
        p.Stack.SetNoDelay(h, true);
        p.Stack.Send(h, new byte[2000], p.Now);
        var data = p.Poll().Where(s => s.Length > 0).ToList();
        Assert.NotEmpty(data);
        Assert.All(data, s => Assert.InRange(s.Length, 1, 300));
    }

    [Fact]
    public void Time_wait_without_timestamps_reopens_for_a_timestamped_syn_below_rcv_nxt()
    {
        // RFC 6191 §2: when the new incarnation will use timestamps, the SYN's TSval decides; the old connection saw
        // none, so any TSval is newer (Linux compares with a TS.Recent of 0). The sequence number does not matter.
        var p = new CraftedPeer();
        p.ToTimeWait();
        var synSeq = p.PeerNxt - 100_000;
        p.Deliver(TcpFlags.Syn, synSeq, default,
            options: new TcpOptions { HasMss = true, Mss = 1460, HasTimestamps = true, TsVal = 1_000_000 });
        var answer = p.Poll().Single();
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, answer.Flags);
        Assert.Equal(synSeq + 1, answer.Ack);
        // The new ISS still lies above everything the old incarnation sent (RFC 1122 §4.2.2.13).
        Assert.True(answer.Seq > p.LocalIss + 2);
        Assert.Equal(TcpState.SynReceived, p.State);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void Simultaneous_open_takes_the_data_of_a_syn_ack_in_syn_received()
    {
        // RFC 9293 §3.10.7.4 first: "only the new parts are processed" — the SYN is old (we hold IRS), the ACK and
        // the 100 bytes after it are new. Figure 7 with data on the final SYN-ACK.
        var p = new CraftedPeer();
        p.ToSynSent();
        var peerIss = new SeqNum(p.PeerIss);
        p.Deliver(TcpFlags.Syn, peerIss, default, options: new TcpOptions { HasMss = true, Mss = 1460 });
        var synAck = p.Poll().Single();
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(TcpState.SynReceived, p.State);

        p.Deliver(TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Psh, peerIss, p.LocalIss + 1, payloadLength: 100,
            options: new TcpOptions { HasMss = true, Mss = 1460 });
        Assert.Equal(TcpState.Established, p.State);
        Assert.Equal(100, p.Stack.Available(p.Handle));
        Assert.Equal(peerIss + 101, p.Connection.RcvNxt);
        p.Advance(p.Stack.Settings.DelayedAckTimeout);
        var ack = p.Poll().Single();
        Assert.Equal(peerIss + 101, ack.Ack);
        Assert.Equal(0, p.Stack.Counters.ChallengeAcks);
        p.Checker.ThrowIfViolated();
    }
}
