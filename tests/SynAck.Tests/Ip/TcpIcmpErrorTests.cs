using System.Buffers.Binary;
using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Tests.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Ip;

/// <summary>
/// ICMP errors to TCP: path MTU (RFC 1191, RFC 8201), soft and hard errors (RFC 1122 §4.2.3.9, as Linux), and the
/// RFC 5927 §4.1 checks that make a blind forgery guess a 4-tuple and an in-flight sequence number.
/// </summary>
public sealed class TcpIcmpErrorTests
{
    private static readonly IpAddress Router = IpAddress.V4(10, 0, 0, 254);

    /// <summary>An ICMP destination unreachable from a router to the stack, quoting <paramref name="original"/>; code 4 carries <paramref name="mtu"/>.</summary>
    private static byte[] Unreachable(byte code, ReadOnlySpan<byte> original, ushort mtu = 0)
    {
        var msg = new byte[20 + IcmpV4Packet.ErrorLength(original)];
        if (code == IcmpV4Packet.CodeFragmentationNeeded)
            IcmpV4Packet.WriteFragmentationNeeded(msg.AsSpan(20), mtu, original);
        else
            IcmpV4Packet.WriteDestinationUnreachable(msg.AsSpan(20), code, original);
        Ipv4Packet.WriteHeader(msg, new Ipv4HeaderFields { Source = Router, Destination = CraftedPeer.Local, Protocol = IpProtocol.Icmp }, msg.Length - 20);
        return msg;
    }

    /// <summary>The same quote with its TCP sequence number replaced: a forgery that guessed the 4-tuple but not the flight.</summary>
    private static byte[] WithSeq(byte[] packet, SeqNum seq)
    {
        var copy = packet.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(24), seq.Value);
        return copy;
    }

    /// <summary>ESTABLISHED with 5000 bytes sent in 1460-byte segments, none acknowledged.</summary>
    private static (CraftedPeer Peer, List<SegmentRecord> Flight) InFlight()
    {
        var p = new CraftedPeer(new TcpSettings { Nagle = false });
        p.ToEstablished();
        p.Stack.Send(p.Handle, IpCraft.Data(5000), p.Now);
        var flight = p.Poll();
        Assert.Equal([1460, 1460, 1460, 620], flight.Select(s => s.Length));
        return (p, flight);
    }

    [Fact]
    public void Fragmentation_needed_for_an_in_flight_segment_lowers_the_mss_and_resends_in_smaller_segments()
    {
        var (p, flight) = InFlight();
        p.Stack.Deliver(Unreachable(IcmpV4Packet.CodeFragmentationNeeded, flight[1].Packet, 1000), p.Now);

        // RFC 9293 §3.7.1: Eff.snd.MSS = MTU − 20 (IPv4) − 20 (TCP), no options on this connection.
        Assert.Equal(960, p.Connection.SndMss);
        Assert.Equal(1000, p.Connection.PathMtu);
        Assert.Equal(1, p.Stack.IpCounters.PathMtuLowered);
        var resent = p.Poll();
        Assert.Equal(p.LocalIss + 1, resent[0].Seq);
        Assert.All(resent, s => Assert.True(s.Length <= 960 && s.Packet.Length <= 1000));
        Assert.Equal(5000, resent.Sum(s => s.Length));
        Assert.Equal(0, p.Stack.Counters.TotalDrops);
    }

    [Fact]
    public void Fragmentation_needed_quoting_a_sequence_number_outside_the_flight_is_ignored_and_counted()
    {
        var (p, flight) = InFlight();
        // RFC 5927 §4.1: SND.UNA ≤ seq < SND.NXT. Below SND.UNA and at or beyond SND.NXT are both refused.
        p.Stack.Deliver(Unreachable(IcmpV4Packet.CodeFragmentationNeeded, WithSeq(flight[0].Packet, p.LocalIss), 1000), p.Now);
        p.Stack.Deliver(Unreachable(IcmpV4Packet.CodeFragmentationNeeded, WithSeq(flight[0].Packet, p.LocalIss + 1 + 5000), 1000), p.Now);
        p.Stack.Deliver(Unreachable(IcmpV4Packet.CodeFragmentationNeeded, WithSeq(flight[0].Packet, p.LocalIss + 1_000_000), 576), p.Now);

        Assert.Equal(3, p.Stack.Counters.Drops(TcpDropReason.IcmpSeqOutOfFlight));
        Assert.Equal(1460, p.Connection.SndMss);
        Assert.Equal(1500, p.Connection.PathMtu);
        Assert.Empty(p.Poll());
    }

    [Fact]
    public void An_icmp_error_for_no_connection_is_counted()
    {
        var (p, flight) = InFlight();
        var other = flight[0].Packet.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(other.AsSpan(22), 40001); // another remote port
        p.Stack.Deliver(Unreachable(IcmpV4Packet.CodeFragmentationNeeded, other, 1000), p.Now);
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.IcmpNoConnection));
        Assert.Equal(1460, p.Connection.SndMss);
    }

    [Fact]
    public void A_path_mtu_that_is_not_lower_is_refused_and_a_tiny_one_is_raised_to_linux_min_pmtu()
    {
        var (p, flight) = InFlight();
        p.Stack.Deliver(Unreachable(IcmpV4Packet.CodeFragmentationNeeded, flight[0].Packet, 1500), p.Now);
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.IcmpMtuNotLower));

        p.Stack.Deliver(Unreachable(IcmpV4Packet.CodeFragmentationNeeded, flight[0].Packet, 68), p.Now);
        Assert.Equal(552, p.Connection.PathMtu);
        Assert.Equal(512, p.Connection.SndMss);
        // Once at the floor, the same forgery lowers nothing more.
        p.Stack.Deliver(Unreachable(IcmpV4Packet.CodeFragmentationNeeded, flight[0].Packet, 0), p.Now);
        Assert.Equal(2, p.Stack.Counters.Drops(TcpDropReason.IcmpMtuNotLower));
    }

    [Fact]
    public void Host_unreachable_on_an_established_connection_is_a_soft_error()
    {
        var (p, flight) = InFlight();
        p.Stack.Deliver(Unreachable(IcmpV4Packet.CodeHostUnreachable, flight[2].Packet), p.Now);
        Assert.Equal(TcpState.Established, p.State);
        Assert.Equal(TcpError.Unreachable, p.Connection.SoftError);
        Assert.Equal(1, p.Stack.IpCounters.IcmpSoftErrors);
        p.Checker.ThrowIfViolated();
    }

    [Theory]
    [InlineData(IcmpV4Packet.CodePortUnreachable, TcpError.Refused)]
    [InlineData(IcmpV4Packet.CodeHostUnreachable, TcpError.Unreachable)]
    public void An_unreachable_quoting_our_syn_ends_the_active_open_as_linux_does(byte code, TcpError expected)
    {
        var p = new CraftedPeer();
        var handle = p.Stack.Connect(CraftedPeer.Remote, CraftedPeer.RemotePort, p.Now, CraftedPeer.LocalPort);
        var syn = p.Poll().Single();
        p.Stack.Deliver(Unreachable(code, syn.Packet), p.Now);
        Assert.Equal(TcpState.Closed, p.Stack.State(handle));
        Assert.Equal(expected, p.Stack.Error(handle));
        Assert.Equal(1, p.Stack.IpCounters.IcmpHardErrors);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void An_unreachable_quoting_another_sequence_number_leaves_syn_sent_alone()
    {
        var p = new CraftedPeer();
        var handle = p.Stack.Connect(CraftedPeer.Remote, CraftedPeer.RemotePort, p.Now, CraftedPeer.LocalPort);
        var syn = p.Poll().Single();
        p.Stack.Deliver(Unreachable(IcmpV4Packet.CodePortUnreachable, WithSeq(syn.Packet, syn.Seq + 1)), p.Now);
        Assert.Equal(TcpState.SynSent, p.Stack.State(handle));
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.IcmpSeqOutOfFlight));
    }

    [Fact]
    public void Host_unreachable_for_a_half_open_passive_connection_drops_it_quietly()
    {
        var p = new CraftedPeer();
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default);
        var synAck = p.Poll().Single();
        p.Stack.Deliver(Unreachable(IcmpV4Packet.CodeHostUnreachable, synAck.Packet), p.Now);
        Assert.Equal(0, p.Stack.ConnectionCount);
        p.Checker.ThrowIfViolated();
    }
}
