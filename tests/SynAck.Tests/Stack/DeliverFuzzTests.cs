using CsCheck;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Tests.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Stack;

/// <summary>
/// Bad input to Deliver is data, never an exception (architecture principle 6): random bytes, truncated and
/// bit-flipped packets, wrong addresses and ports, absurd options — all counted, none thrown.
/// </summary>
public sealed class DeliverFuzzTests
{
    /// <summary>Counts, per Deliver call, whether the packet was accounted for as a received segment or a drop.</summary>
    private sealed class Accounting : ITcpObserver
    {
        public long Received;
        public long Dropped;

        public void OnEvent(in TcpEvent e)
        {
            if (e.Kind == TcpEventKind.SegmentReceived)
                Received++;
            else if (e.Kind == TcpEventKind.SegmentDropped)
                Dropped++;
        }
    }

    private sealed class NullSink : IPacketSink
    {
        public int Count;

        public void Send(ReadOnlySpan<byte> ipPacket) => Count++;
    }

    [Fact]
    public void Random_bytes_never_throw_and_every_packet_is_counted_as_a_drop()
    {
        var stack = new NetStack(CraftedPeer.Local, TcpSettings.Default, new SplitMix64Random(1));
        stack.Listen(80);
        var sink = new NullSink();
        long n = 0;
        var now = Instant.Zero;
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            now += Duration.FromMilliseconds(1);
            stack.Deliver(bytes, now);
            stack.Poll(now, sink);
            n++;
        }, iter: 20_000, threads: 1, seed: "0N0XIzNsQ0O2");
        Assert.Equal(20_000, n);
        Assert.Equal(n, stack.Counters.TotalDrops);
        Assert.Equal(0, stack.ConnectionCount);
    }

    [Fact]
    public void Mutated_segments_to_a_live_connection_and_listener_never_throw_and_are_all_accounted()
    {
        var p = new CraftedPeer();
        p.ToEstablished();
        var accounting = new Accounting();
        p.Stack.AddObserver(accounting);
        var sink = new NullSink();

        var genOptions =
            from hasMss in Gen.Bool
            from mss in Gen.UShort
            from hasWs in Gen.Bool
            from ws in Gen.Byte
            from sack in Gen.Bool
            select new TcpOptions { HasMss = hasMss, Mss = mss, HasWindowScale = hasWs, WindowScale = ws, SackPermitted = sack };
        var gen =
            from flags in Gen.Byte
            from seqDelta in Gen.Int[-70_000, 70_000]
            from ackDelta in Gen.Int[-70_000, 70_000]
            from window in Gen.UShort
            from payload in Gen.Int[0, 1600]
            from options in genOptions
            from toListener in Gen.Bool
            from srcPort in Gen.UShort
            from flips in Gen.Int[0, 8 * 80].Array[0, 3]
            from cut in Gen.Int[0, 2000]
            select (flags, seqDelta, ackDelta, window, payload, options, toListener, srcPort, flips, cut);

        long delivered = 0;
        gen.Sample(t =>
        {
            var h = new TcpHeaderFields
            {
                SourcePort = t.toListener ? t.srcPort : CraftedPeer.RemotePort,
                DestinationPort = CraftedPeer.LocalPort,
                Seq = p.PeerNxt + t.seqDelta,
                Ack = p.LocalIss + 1 + t.ackDelta,
                Flags = (TcpFlags)t.flags,
                Window = t.window,
                Options = t.options,
            };
            var bytes = new byte[IpPacket.TcpPacketLength(CraftedPeer.Remote, h.Options, t.payload)];
            IpPacket.WriteTcp(bytes, CraftedPeer.Remote, CraftedPeer.Local, h, new byte[t.payload]);
            foreach (int bit in t.flips)
                bytes[bit / 8 % bytes.Length] ^= (byte)(1 << (bit % 8));
            int length = t.cut % 4 == 0 ? t.cut % bytes.Length : bytes.Length;

            // Since the stack reassembles fragments and reads ICMP, a mutated packet may also become a fragment that is
            // held, or an ICMP message that is read: the IP layer's counters account for those.
            long Accounted() => accounting.Received + accounting.Dropped + p.Stack.IpCounters.ReasmReqds + p.Stack.IpCounters.IcmpInMsgs;
            long before = Accounted();
            p.Advance(Duration.FromMilliseconds(3));
            p.Stack.Deliver(bytes.AsSpan(0, length), p.Now);
            p.Stack.Poll(p.Now, sink);
            Assert.True(Accounted() > before, "a packet was neither processed nor counted as dropped");
            delivered++;
        }, iter: 20_000, threads: 1, seed: "0N0XIzNsQ0O2");

        Assert.Equal(20_000, delivered);
        Assert.True(p.Stack.Counters.Drops(TcpDropReason.BadChecksum) > 0);
        Assert.True(p.Stack.Counters.InErrs > 0);
        p.Checker.ThrowIfViolated();
        // Whatever the garbage did, running the clock far ahead empties the stack: nothing is stuck forever.
        p.Advance(Duration.FromSeconds(3600));
        for (int i = 0; i < 200 && p.Stack.NextDeadline <= p.Now; i++)
            p.Stack.Poll(p.Now, sink);
        p.Advance(Duration.FromSeconds(3600));
        p.Stack.Poll(p.Now, sink);
        Assert.Equal(0, p.Stack.TimeWaitCount);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void A_syn_with_an_absurd_mss_of_zero_still_makes_a_working_connection()
    {
        var p = new CraftedPeer();
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default, options: new TcpOptions { HasMss = true, Mss = 0 });
        var synAck = p.Poll().Single();
        p.Deliver(TcpFlags.Ack, new SeqNum(p.PeerIss + 1), synAck.Seq + 1);
        Assert.True(p.Stack.TryAccept(CraftedPeer.LocalPort, out var h));
        Assert.Equal(64, p.Connection.SndMss);
        p.Stack.Send(h, new byte[200], p.Now);
        Assert.All(p.Poll(), s => Assert.True(s.Length <= 64));
    }

    [Fact]
    public void Packets_for_another_address_or_protocol_are_counted_not_processed()
    {
        var stack = new NetStack(CraftedPeer.Local, TcpSettings.Default, new SplitMix64Random(1));
        var other = IpAddress.V4(10, 9, 9, 9);
        var h = new TcpHeaderFields { SourcePort = 1, DestinationPort = 80, Flags = TcpFlags.Syn };
        var bytes = new byte[40];
        IpPacket.WriteTcp(bytes, CraftedPeer.Remote, other, h, default);
        stack.Deliver(bytes, Instant.Zero);
        Assert.Equal(1, stack.Counters.Drops(TcpDropReason.WrongAddress));

        IpPacket.WriteTcp(bytes, CraftedPeer.Remote, CraftedPeer.Local, h, default);
        bytes[9] = (byte)IpProtocol.Udp;
        // Fix the IPv4 header checksum after changing the protocol so only the protocol is "wrong".
        bytes[10] = bytes[11] = 0;
        ushort sum = Checksum.Compute(bytes.AsSpan(0, 20));
        bytes[10] = (byte)(sum >> 8);
        bytes[11] = (byte)sum;
        stack.Deliver(bytes, Instant.Zero);
        Assert.Equal(1, stack.Counters.Drops(TcpDropReason.NotTcp));

        var zero = new TcpHeaderFields { SourcePort = 0, DestinationPort = 80, Flags = TcpFlags.Syn };
        IpPacket.WriteTcp(bytes, CraftedPeer.Remote, CraftedPeer.Local, zero, default);
        stack.Deliver(bytes, Instant.Zero);
        Assert.Equal(1, stack.Counters.Drops(TcpDropReason.BadPort));
    }
}
