using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>RFC 7323 §3–§5: the timestamps option, TS.Recent, RTTM and PAWS; RFC 6191 TIME-WAIT reopening.</summary>
public sealed class TimestampTests
{
    private static TcpOptions Ts(uint val, uint ecr, bool mss = false)
        => new() { HasMss = mss, Mss = 1460, HasTimestamps = true, TsVal = val, TsEcr = ecr };

    /// <summary>LISTEN → ESTABLISHED with the peer offering timestamps (its SYN's TSval is <paramref name="tsVal"/>).</summary>
    private static SynAckSeen Establish(CraftedPeer p, uint tsVal = 1000)
    {
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default, options: Ts(tsVal, 0, mss: true));
        var synAck = p.Poll().Single();
        p.PeerNxt = new SeqNum(p.PeerIss + 1);
        p.Deliver(TcpFlags.Ack, p.PeerNxt, synAck.Seq + 1, options: Ts(tsVal + 1, synAck.Options.TsVal));
        Assert.True(p.Stack.TryAccept(CraftedPeer.LocalPort, out var handle));
        return new SynAckSeen(synAck.Seq, synAck.Options, handle);
    }

    private readonly record struct SynAckSeen(SeqNum Seq, TcpOptions Options, TcpHandle Handle);

    [Fact]
    public void A_syn_with_timestamps_is_answered_with_its_tsval_echoed_and_every_later_segment_carries_them()
    {
        var p = new CraftedPeer();
        var synAck = Establish(p, tsVal: 5000);
        Assert.True(synAck.Options.HasTimestamps);
        Assert.Equal(5000u, synAck.Options.TsEcr);
        var c = p.Connection;
        Assert.True(c.TimestampsOk);
        Assert.Equal(5001u, c.TsRecent);   // the handshake ACK was in window at Last.ACK.sent: TS.Recent moved on

        p.Advance(Duration.FromMilliseconds(50));
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, synAck.Seq + 1, payloadLength: 100, options: Ts(5100, synAck.Options.TsVal));
        p.Advance(Duration.FromMilliseconds(40));
        var ack = p.Poll().Single();
        Assert.True(ack.Options.HasTimestamps);
        Assert.Equal(5100u, ack.Options.TsEcr);
        // The stack's clock ticks in milliseconds: 90 ms after the SYN-ACK, its TSval is 90 higher.
        Assert.Equal(synAck.Options.TsVal + 90, ack.Options.TsVal);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Without_both_offers_no_segment_carries_timestamps(bool on, bool peerOffers)
    {
        var p = new CraftedPeer(new TcpSettings { Timestamps = on });
        p.Stack.Listen(CraftedPeer.LocalPort);
        var o = peerOffers ? Ts(7, 0, mss: true) : new TcpOptions { HasMss = true, Mss = 1460 };
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default, options: o);
        var synAck = p.Poll().Single();
        Assert.False(synAck.Options.HasTimestamps);
        Assert.False(p.Connection.TimestampsOk);
        Assert.Equal(1460, p.Connection.SndMss);     // no option room taken from the payload
    }

    [Fact]
    public void Active_open_offers_timestamps_with_a_zero_echo_and_measures_rtt_from_the_syn_ack_echo()
    {
        var p = new CraftedPeer();
        p.ToSynSent();
        var syn = p.Log.Of(TcpEventKind.SegmentSent).Single().Segment;
        Assert.True(syn.Options.HasTimestamps);
        Assert.Equal(0u, syn.Options.TsEcr);
        p.Advance(Duration.FromMilliseconds(37));
        p.Deliver(TcpFlags.Syn | TcpFlags.Ack, new SeqNum(p.PeerIss), p.LocalIss + 1, options: Ts(1, syn.Options.TsVal, mss: true));
        var c = p.Connection;
        Assert.True(c.TimestampsOk);
        Assert.Equal(1448, c.SndMss);                // 1,460 less the 12 bytes every segment's timestamps take
        Assert.Equal(Duration.FromMilliseconds(37), c.Rtt.Srtt);
    }

    [Fact]
    public void Paws_drops_a_segment_with_an_older_timestamp_and_answers_with_an_ack()
    {
        var p = new CraftedPeer();
        var synAck = Establish(p, tsVal: 1000);
        p.Deliver(TcpFlags.Ack, p.PeerNxt, synAck.Seq + 1, payloadLength: 100, options: Ts(2000, 0));
        p.Poll();
        Assert.Equal(2000u, p.Connection.TsRecent);
        // In window (the next 100 bytes), but stamped before the segment already accepted: an old duplicate.
        p.Deliver(TcpFlags.Ack, p.PeerNxt + 100, synAck.Seq + 1, payloadLength: 100, options: Ts(1500, 0));
        var answer = p.Poll().Single();
        Assert.Equal(p.PeerNxt + 100, answer.Ack);
        Assert.Equal(100, p.Stack.Available(synAck.Handle));
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.PawsRejected));
        Assert.Equal(2000u, p.Connection.TsRecent);
    }

    [Fact]
    public void A_rst_is_not_subject_to_paws()
    {
        var p = new CraftedPeer();
        Establish(p, tsVal: 1000);
        p.Deliver(TcpFlags.Rst, p.PeerNxt, default, options: Ts(1, 0));
        Assert.Equal(TcpState.Closed, p.State);
    }

    [Fact]
    public void After_24_idle_days_ts_recent_is_no_longer_a_reference()
    {
        var p = new CraftedPeer();
        var synAck = Establish(p, tsVal: 3_000_000_000);
        p.Advance(Duration.FromSeconds(25L * 24 * 3600));
        // The peer's clock wrapped its sign bit meanwhile: its TSval now compares as older (RFC 7323 §5.5).
        p.Deliver(TcpFlags.Ack, p.PeerNxt, synAck.Seq + 1, payloadLength: 10, options: Ts(500_000_000, 0));
        Assert.Equal(0, p.Stack.Counters.Drops(TcpDropReason.PawsRejected));
        Assert.Equal(500_000_000u, p.Connection.TsRecent);
    }

    [Fact]
    public void Paws_drops_an_old_duplicate_whose_sequence_number_is_acceptable_again_after_the_wrap()
    {
        // Every segment is acknowledged at once, so each Poll reopens the window for the next 65,000 bytes.
        var p = new CraftedPeer(new TcpSettings { Mtu = 65535, DelayedAck = false });
        var synAck = Establish(p, tsVal: 1);
        var h = synAck.Handle;
        SeqNum ourAck = synAck.Seq + 1;
        SeqNum start = p.PeerNxt;
        const int Chunk = 65_000;
        var payload = new byte[Chunk];
        payload[0] = 0xAA;
        var packet = new byte[IpPacket.TcpPacketLength(CraftedPeer.Remote, Ts(0, 0), Chunk)];
        var read = new byte[Chunk];
        var sink = new NullSink();
        uint ts = 10;

        void Send(SeqNum seq, uint tsVal, ReadOnlySpan<byte> data)
        {
            var f = new TcpHeaderFields { SourcePort = CraftedPeer.RemotePort, DestinationPort = CraftedPeer.LocalPort, Seq = seq, Ack = ourAck, Flags = TcpFlags.Ack, Window = 65535, Options = Ts(tsVal, 0) };
            int n = IpPacket.WriteTcp(packet, CraftedPeer.Remote, CraftedPeer.Local, f, data);
            p.Stack.Deliver(packet.AsSpan(0, n), p.Now);
        }

        // The first segment, stamped early; the test keeps a copy of it as the "old duplicate".
        Send(start, ts, payload);
        Assert.Equal(Chunk, p.Stack.Receive(h, read, p.Now));
        p.Stack.Poll(p.Now, sink);
        payload[0] = 0;
        // Then the rest of 2^32 bytes, so that RCV.NXT comes round to the first segment's sequence number again.
        long total = 1L << 32;
        SeqNum seq = start + Chunk;
        for (long sent = Chunk; sent < total; sent += Chunk)
        {
            int len = (int)Math.Min(Chunk, total - sent);
            p.Advance(Duration.FromMilliseconds(1));
            Send(seq, ++ts, payload.AsSpan(0, len));
            Assert.Equal(len, p.Stack.Receive(h, read, p.Now));
            seq += len;
            p.Stack.Poll(p.Now, sink);
        }
        Assert.Equal(start, p.Connection.RcvNxt);                     // the sequence space wrapped completely
        Assert.True(p.Connection.IsAcceptable(start, Chunk));         // so the old segment's number is in window again

        // The old duplicate (early TSval) is refused by PAWS; the same bytes stamped now are taken.
        payload[0] = 0xAA;
        Send(start, 10, payload);
        Assert.Equal(0, p.Stack.Available(h));
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.PawsRejected));
        Send(start, ++ts, payload);
        Assert.Equal(Chunk, p.Stack.Available(h));
    }

    /// <summary>The stack closes first and reaches TIME-WAIT on a timestamped connection; the peer's last TSval was 3000.</summary>
    private static void ToTimeWait(CraftedPeer p)
    {
        var synAck = Establish(p, tsVal: 1000);
        p.Stack.Close(synAck.Handle, p.Now);
        var fin = p.Poll().Single();
        Assert.True(fin.Has(TcpFlags.Fin));
        p.Deliver(TcpFlags.Ack, p.PeerNxt, fin.Seq + 1, options: Ts(2000, fin.Options.TsVal));
        p.Deliver(TcpFlags.Fin | TcpFlags.Ack, p.PeerNxt, fin.Seq + 1, options: Ts(3000, fin.Options.TsVal));
        var last = p.Poll().Single();
        Assert.True(last.Options.HasTimestamps);     // the ACK of the FIN, sent on the way into TIME-WAIT
        Assert.Equal(3000u, last.Options.TsEcr);
        Assert.Equal(TcpState.TimeWait, p.State);
    }

    [Theory]
    [InlineData(3001u, true)]
    [InlineData(2999u, false)]
    public void Time_wait_reopens_for_a_syn_with_a_newer_timestamp_even_below_rcv_nxt(uint tsVal, bool reopens)
    {
        var p = new CraftedPeer();
        ToTimeWait(p);
        // RFC 6191 §2: with timestamps, the SYN's TSval decides, not its sequence number (here below the old RCV.NXT).
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss - 100_000), default, options: Ts(tsVal, 0, mss: true));
        var answer = p.Poll().Single();
        if (reopens)
        {
            Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, answer.Flags);
            Assert.Equal(new SeqNum(p.PeerIss - 100_000 + 1), answer.Ack);
            Assert.Equal(TcpState.SynReceived, p.State);
        }
        else
        {
            // An old duplicate: TIME-WAIT answers with its ACK, carrying a timestamp, and stays.
            Assert.Equal(TcpFlags.Ack, answer.Flags);
            Assert.Equal(3000u, answer.Options.TsEcr);
            Assert.Equal(TcpState.TimeWait, p.State);
        }
    }

    [Fact]
    public void Without_timestamps_time_wait_reopens_only_above_rcv_nxt()
    {
        var p = new CraftedPeer();
        p.ToTimeWait();
        // Neither incarnation uses timestamps (a timestamped SYN would decide by its TSval: DeviationTests).
        var mss = new TcpOptions { HasMss = true, Mss = 1460 };
        p.Deliver(TcpFlags.Syn, p.PeerNxt - 100_000, default, options: mss);
        Assert.Equal(TcpFlags.Ack, p.Poll().Single().Flags);
        Assert.Equal(TcpState.TimeWait, p.State);
        p.Deliver(TcpFlags.Syn, p.PeerNxt + 100_000, default, options: mss);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, p.Poll().Single().Flags);
    }

    private sealed class NullSink : IPacketSink
    {
        public void Send(ReadOnlySpan<byte> ipPacket)
        {
        }
    }
}
