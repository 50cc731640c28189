using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>
/// Deviations from RFC 9293 and its companions found in review, one test each, driven with crafted segments.
/// </summary>
public sealed class ReviewFindingsTests
{
    /// <summary>Closes the peer's window and lets the persist timer send its one-byte probe; returns the probe.</summary>
    private static SegmentRecord ZeroWindowWithProbe(CraftedPeer p, int bytes)
    {
        p.ToEstablished();
        p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 1, window: 0);
        Assert.Empty(p.Poll());
        Assert.Equal(bytes, p.Stack.Send(p.Handle, new byte[bytes], p.Now));
        Assert.Empty(p.Poll());
        p.Now = p.Stack.NextDeadline;
        var probe = p.Poll().Single();
        Assert.Equal(p.LocalIss + 1, probe.Seq);
        Assert.Equal(1, probe.Length);
        return probe;
    }

    [Fact]
    public void Probe_byte_dropped_by_a_zero_window_is_sent_again_when_the_window_reopens()
    {
        // RFC 9293 §3.8.6.1: the receiver drops the probe's byte (it lies beyond a zero window) and answers with
        // SEG.ACK = SND.UNA. When the window reopens, sending must resume at SND.UNA — not after the lost byte,
        // where Nagle would also hold the rest until a backed-off retransmission timeout.
        var p = new CraftedPeer();
        ZeroWindowWithProbe(p, 100);
        p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 1, window: 0);
        Assert.Empty(p.Poll());
        p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 1, window: 65535);
        var data = p.Poll().Single();
        Assert.Equal(p.LocalIss + 1, data.Seq);
        Assert.Equal(100, data.Length);
    }

    [Fact]
    public void Ack_sent_after_a_refused_probe_stays_inside_the_peers_zero_window()
    {
        // RFC 9293 §3.10.7.4: with RCV.WND = 0 the peer takes a segment only at SEG.SEQ = RCV.NXT. Our probe's byte
        // (LocalIss + 1) was refused, so the peer's RCV.NXT is still LocalIss + 1; an ACK of the peer's data stamped
        // with the highest sequence sent (LocalIss + 2) would be dropped unread, and a peer whose sends are blocked on
        // that ACK would stall behind backed-off probes.
        var p = new CraftedPeer();
        ZeroWindowWithProbe(p, 100);
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, p.LocalIss + 1, payloadLength: 50, window: 0);
        Assert.Empty(p.Poll());                                  // the ACK is delayed (RFC 1122 §4.2.3.2)
        p.Now += p.Stack.Settings.DelayedAckTimeout;
        var sent = p.Poll();
        var ack = Assert.Single(sent, s => s.Length == 0);
        Assert.Equal(p.LocalIss + 1, ack.Seq);
        Assert.Equal(p.PeerNxt + 50, ack.Ack);
    }

    [Fact]
    public void Zero_window_probing_is_not_taken_for_congestion()
    {
        // RFC 5681 §2: a duplicate ACK needs outstanding data, and nothing beyond a zero window is in flight; the
        // persist probes of RFC 9293 §3.8.6.1 are expected to go unacknowledged, so their timeouts are not losses
        // (§3.1's ssthresh/cwnd reduction is for segments the network lost).
        var p = new CraftedPeer();
        ZeroWindowWithProbe(p, 5000);
        var c = p.Connection;
        int cwnd = c.Cwnd;
        for (int i = 0; i < 5; i++)
        {
            p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 1, window: 0);
            p.Now = p.Stack.NextDeadline;
            var probe = p.Poll().Single();
            Assert.Equal(1, probe.Length);
        }
        Assert.Equal(cwnd, c.Cwnd);
        Assert.Equal(int.MaxValue, c.Ssthresh);
        Assert.Equal(TcpState.Established, p.State);
    }

    [Fact]
    public void Rst_for_data_arriving_after_close_carries_the_peers_ack_whatever_our_sending_point()
    {
        // RFC 5961 §3.2: the peer takes a RST only at its RCV.NXT, which its own ACK states (here it received none of
        // our data); the RST takes that number (RFC 9293 §3.10.7.1's <SEQ=SEG.ACK><CTL=RST>, as Linux), so neither a
        // timeout that rewound our sending point nor the data and FIN sent past the peer's RCV.NXT leak into it.
        var p = new CraftedPeer();
        p.ToEstablished();
        p.Stack.Send(p.Handle, new byte[2920], p.Now);
        p.Stack.Close(p.Handle, p.Now);
        var first = p.Poll();
        Assert.Equal(2, first.Count);
        Assert.True(first[1].Has(TcpFlags.Fin));
        p.Now = p.Stack.NextDeadline;
        var rexmit = p.Poll().Single();
        Assert.Equal(p.LocalIss + 1, rexmit.Seq);
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, p.LocalIss + 1, payloadLength: 10);
        var rst = p.Poll().Single(s => s.Has(TcpFlags.Rst));
        Assert.Equal(p.LocalIss + 1, rst.Seq);
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(TcpState.Closed, p.State);
    }

    [Fact]
    public void Old_ack_in_a_newer_segment_does_not_update_the_send_window()
    {
        // RFC 9293 §3.10.7.4 fifth: the window is updated only "if SND.UNA =< SEG.ACK =< SND.NXT".
        var p = new CraftedPeer();
        p.ToEstablished();
        p.Stack.Send(p.Handle, new byte[1000], p.Now);
        Assert.Single(p.Poll());
        p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 1001, window: 5000);
        Assert.Equal(5000u, p.Connection.SndWnd);
        p.Deliver(TcpFlags.Ack, p.PeerNxt + 5, p.LocalIss + 1, window: 0);
        Assert.Equal(5000u, p.Connection.SndWnd);
    }

    [Fact]
    public void Fin_beyond_missing_data_is_answered_with_a_duplicate_ack_at_once()
    {
        // RFC 5681 §4.2: an out-of-order segment earns an immediate duplicate ACK — a bare FIN past a hole too.
        var p = new CraftedPeer();
        p.ToEstablished();
        p.Deliver(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt + 100, p.LocalIss + 1);
        var dup = p.Poll().Single();
        Assert.Equal(p.PeerNxt, dup.Ack);
        Assert.Equal(TcpState.Established, p.State);
        p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 1, payloadLength: 100);
        var ack = p.Poll().Single();
        Assert.Equal(p.PeerNxt + 101, ack.Ack);
        Assert.Equal(TcpState.CloseWait, p.State);
    }

    [Fact]
    public void Rst_at_the_right_edge_of_the_window_is_dropped_without_a_challenge()
    {
        // RFC 5961 §3.2: a RST outside the receive window is dropped silently; RCV.NXT + RCV.WND is outside it.
        var p = new CraftedPeer();
        p.ToEstablished();
        p.Deliver(TcpFlags.Rst, p.PeerNxt + (int)p.Connection.RcvWnd, default);
        Assert.Empty(p.Poll());
        Assert.Equal(TcpState.Established, p.State);
        Assert.Equal(0, p.Stack.Counters.ChallengeAcks);
    }

    [Fact]
    public void Time_wait_acknowledges_a_segment_outside_its_window()
    {
        // RFC 9293 §3.10.7.4 first, TIME-WAIT included: "If an incoming segment is not acceptable, an acknowledgment
        // should be sent in reply (unless the RST bit is set)".
        var p = new CraftedPeer();
        p.ToTimeWait();
        p.Deliver(TcpFlags.Ack, p.PeerNxt + 200_000, p.LocalIss + 2);
        var ack = p.Poll().Single();
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(p.LocalIss + 2, ack.Seq);
        Assert.Equal(p.PeerNxt, ack.Ack);
        Assert.Equal(TcpState.TimeWait, p.State);
    }

    [Fact]
    public void Sending_across_the_2_to_the_32_sequence_wrap_keeps_every_byte_in_place()
    {
        // RFC 9293 §3.4: sequence arithmetic is modulo 2^32. Pick the moment whose ISS (RFC 6528: clock + hash)
        // lies 64 KiB below the wrap, then send 200 KB through it.
        var probe = new CraftedPeer();
        probe.ToSynReceived();
        var p = new CraftedPeer { Now = probe.Now + new Duration(unchecked(0xFFFF_0000u - probe.LocalIss.Value) * 4000L) };
        p.ToEstablished();
        Assert.True(p.LocalIss.Value > 0xFFFE_0000u);
        var data = new byte[200_000];
        for (int i = 0; i < data.Length; i++)
            data[i] = (byte)(i * 7 + (i >> 8));
        var got = new byte[data.Length];
        int sent = 0;
        SeqNum acked = p.LocalIss + 1;
        for (int round = 0; round < 1000 && acked != p.LocalIss + 1 + data.Length; round++)
        {
            sent += p.Stack.Send(p.Handle, data.AsSpan(sent), p.Now);
            foreach (var s in p.Poll())
            {
                Assert.Equal(WireStatus.Ok, IpPacket.TryParse(s.Packet, out var ip));
                Assert.Equal(WireStatus.Ok, ip.TryGetTcp(out var tcp));
                tcp.Payload.CopyTo(got.AsSpan(tcp.Seq - (p.LocalIss + 1)));
                acked = SeqNum.Max(acked, tcp.Seq + tcp.Payload.Length);
            }
            p.Deliver(TcpFlags.Ack, p.PeerNxt, acked);
            p.Advance(Duration.FromMilliseconds(1));
        }
        Assert.Equal(p.LocalIss + 1 + data.Length, p.Connection.SndUna);
        Assert.Equal(data, got);
        Assert.Equal(0, p.Stack.Counters.RetransSegs);
    }

    [Fact]
    public void Receiving_across_the_2_to_the_32_sequence_wrap_keeps_every_byte_in_place()
    {
        var p = new CraftedPeer(peerIss: 0xFFFF_0000u);
        p.ToEstablished();
        var got = new byte[200_000];
        int read = 0;
        for (int off = 0; off < got.Length; off += 1000)
        {
            var h = new TcpHeaderFields { SourcePort = CraftedPeer.RemotePort, DestinationPort = CraftedPeer.LocalPort, Seq = p.PeerNxt, Ack = p.LocalIss + 1, Flags = TcpFlags.Ack, Window = 65535 };
            var payload = new byte[1000];
            for (int i = 0; i < payload.Length; i++)
                payload[i] = (byte)((off + i) * 7 + ((off + i) >> 8));
            var buf = new byte[IpPacket.TcpPacketLength(CraftedPeer.Remote, default, payload.Length)];
            IpPacket.WriteTcp(buf, CraftedPeer.Remote, CraftedPeer.Local, h, payload);
            p.Stack.Deliver(buf, p.Now);
            p.PeerNxt += 1000;
            read += p.Stack.Receive(p.Handle, got.AsSpan(read), p.Now);
            p.Poll();
            p.Advance(Duration.FromMilliseconds(1));
        }
        p.Advance(Duration.FromMilliseconds(100));
        var last = p.Poll().LastOrDefault();
        Assert.Equal(got.Length, read);
        Assert.Equal(p.PeerNxt, p.Connection.RcvNxt);
        Assert.True(last is null || last.Ack == p.PeerNxt);
        for (int i = 0; i < got.Length; i++)
            Assert.Equal((byte)(i * 7 + (i >> 8)), got[i]);
    }
}
