using System.Buffers.Binary;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Ip;

/// <summary>ICMP the stack answers: echo (RFC 1122 §3.2.2.6, RFC 4443 §4.1), port and protocol unreachable, and their rate limits.</summary>
public sealed class IcmpAnswerTests
{
    private static readonly Instant T0 = Instant.FromMilliseconds(1000);

    private static NetStack Stack(IpAddress local, IpSettings? ip = null)
        => new(local, TcpSettings.Default, new SplitMix64Random(5)) { IpSettings = ip ?? IpSettings.Default };

    [Fact]
    public void An_ipv4_echo_request_is_answered_with_the_same_identifier_sequence_and_data()
    {
        var stack = Stack(IpCraft.Local4);
        var data = IpCraft.Data(56);
        stack.Deliver(IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, 0x4242, 7, data), T0);
        Assert.Equal(T0, stack.NextDeadline);
        var sink = new PacketCollector();
        stack.Poll(T0, sink);

        var reply = Assert.Single(sink.Packets);
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(reply, out var ip));
        Assert.Equal(IpCraft.Local4, ip.Source);
        Assert.Equal(IpCraft.Remote4, ip.Destination);
        Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(ip.Payload, out var icmp));
        Assert.Equal(IcmpV4Type.EchoReply, icmp.Type);
        Assert.Equal(0x4242, icmp.Identifier);
        Assert.Equal(7, icmp.SequenceNumber);
        Assert.Equal(data, icmp.Data.ToArray());
        Assert.Equal(1, stack.IpCounters.IcmpInEchos);
        Assert.Equal(1, stack.IpCounters.IcmpOutEchoReps);
        Assert.Equal(0, stack.Counters.TotalDrops);
    }

    [Fact]
    public void An_ipv6_echo_request_is_answered()
    {
        var stack = Stack(IpCraft.Local6);
        var data = IpCraft.Data(100);
        stack.Deliver(IpCraft.EchoRequest(IpCraft.Remote6, IpCraft.Local6, 9, 1, data), T0);
        var sink = new PacketCollector();
        stack.Poll(T0, sink);

        var reply = Assert.Single(sink.Packets);
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(reply, out var ip));
        Assert.Equal(IpCraft.Remote6, ip.Destination);
        Assert.Equal(WireStatus.Ok, IcmpV6Packet.TryParse(ip.Payload, ip.Source, ip.Destination, out var icmp));
        Assert.Equal(IcmpV6Type.EchoReply, icmp.Type);
        Assert.Equal(data, icmp.Data.ToArray());
    }

    [Fact]
    public void Echo_with_a_bad_checksum_is_counted_and_not_answered()
    {
        var stack = Stack(IpCraft.Local4);
        var p = IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, 1, 1, IpCraft.Data(8));
        p[^1] ^= 0xFF;
        stack.Deliver(p, T0);
        var sink = new PacketCollector();
        stack.Poll(T0, sink);
        Assert.Empty(sink.Packets);
        Assert.Equal(1, stack.IpCounters.IcmpInErrors);
    }

    [Fact]
    public void Echo_replies_are_limited_by_the_stack_wide_bucket_and_refill_with_virtual_time()
    {
        var stack = Stack(IpCraft.Local4, new IpSettings { IcmpMessagesPerSecond = 1000, IcmpMessagesBurst = 50 });
        var sink = new PacketCollector();
        for (ushort i = 0; i < 60; i++)
        {
            stack.Deliver(IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, 1, i, IpCraft.Data(8)), T0);
            stack.Poll(T0, sink);
        }
        Assert.Equal(50, sink.Packets.Count);
        Assert.Equal(10, stack.IpCounters.IcmpOutRateLimitGlobal);

        // 1000 per second: 5 ms later five more tokens are there, and no more.
        var later = T0 + Duration.FromMilliseconds(5L);
        sink.Packets.Clear();
        for (ushort i = 0; i < 8; i++)
        {
            stack.Deliver(IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, 2, i, IpCraft.Data(8)), later);
            stack.Poll(later, sink);
        }
        Assert.Equal(5, sink.Packets.Count);
    }

    [Fact]
    public void Echo_is_not_answered_when_switched_off_or_from_a_broadcast_source()
    {
        var off = Stack(IpCraft.Local4, new IpSettings { AnswerEcho = false });
        var sink = new PacketCollector();
        off.Deliver(IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, 1, 1, IpCraft.Data(8)), T0);
        off.Poll(T0, sink);
        Assert.Empty(sink.Packets);

        var on = Stack(IpCraft.Local4);
        on.Deliver(IpCraft.EchoRequest(IpAddress.V4(255, 255, 255, 255), IpCraft.Local4, 1, 1, IpCraft.Data(8)), T0);
        on.Deliver(IpCraft.EchoRequest(IpAddress.V4(224, 0, 0, 1), IpCraft.Local4, 1, 1, IpCraft.Data(8)), T0);
        on.Poll(T0, sink);
        Assert.Empty(sink.Packets);
        Assert.Equal(2, on.IpCounters.IcmpInEchos);
    }

    [Fact]
    public void Udp_gets_port_unreachable_quoting_the_whole_short_datagram()
    {
        var stack = Stack(IpCraft.Local4);
        var udp = IpCraft.Other(IpCraft.Remote4, IpCraft.Local4, IpProtocol.Udp, 161);
        stack.Deliver(udp, T0);
        var sink = new PacketCollector();
        stack.Poll(T0, sink);

        var msg = Assert.Single(sink.Packets);
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(msg, out var ip));
        Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(ip.Payload, out var icmp));
        Assert.Equal(IcmpV4Type.DestinationUnreachable, icmp.Type);
        Assert.Equal(IcmpV4Packet.CodePortUnreachable, icmp.Code);
        Assert.Equal(udp, icmp.Data.ToArray());
        Assert.Equal(161, icmp.Quoted.DestinationPort);
        Assert.Equal(1, stack.Counters.Drops(TcpDropReason.NotTcp));
        Assert.Equal(1, stack.IpCounters.IcmpOutDestUnreachs);
    }

    [Fact]
    public void Another_protocol_gets_protocol_unreachable_over_ipv4()
    {
        var stack = Stack(IpCraft.Local4);
        stack.Deliver(IpCraft.Other(IpCraft.Remote4, IpCraft.Local4, (IpProtocol)47), T0);
        var sink = new PacketCollector();
        stack.Poll(T0, sink);
        IpPacket.TryParse(Assert.Single(sink.Packets), out var ip);
        IcmpV4Packet.TryParse(ip.Payload, out var icmp);
        Assert.Equal(IcmpV4Packet.CodeProtocolUnreachable, icmp.Code);
    }

    [Fact]
    public void Ipv6_udp_gets_port_unreachable_and_an_unknown_next_header_a_parameter_problem_pointing_at_it()
    {
        var stack = Stack(IpCraft.Local6);
        var sink = new PacketCollector();
        stack.Deliver(IpCraft.Other(IpCraft.Remote6, IpCraft.Local6, IpProtocol.Udp), T0);
        stack.Deliver(IpCraft.Other(IpCraft.Remote6, IpCraft.Local6, (IpProtocol)47), T0);
        stack.Poll(T0, sink);
        Assert.Equal(2, sink.Packets.Count);

        IpPacket.TryParse(sink.Packets[0], out var ip0);
        IcmpV6Packet.TryParse(ip0.Payload, ip0.Source, ip0.Destination, out var unreachable);
        Assert.Equal(IcmpV6Type.DestinationUnreachable, unreachable.Type);
        Assert.Equal(IcmpV6Packet.CodePortUnreachable, unreachable.Code);

        IpPacket.TryParse(sink.Packets[1], out var ip1);
        Assert.Equal(WireStatus.Ok, IcmpV6Packet.TryParse(ip1.Payload, ip1.Source, ip1.Destination, out var problem));
        Assert.Equal(IcmpV6Type.ParameterProblem, problem.Type);
        Assert.Equal(1, problem.Code);
        Assert.Equal(6u, BinaryPrimitives.ReadUInt32BigEndian(problem.Message[4..]));
    }

    [Fact]
    public void Unreachables_to_one_destination_are_rate_limited_as_linux_icmp_ratelimit()
    {
        // Linux: one per icmp_ratelimit (1 s) with a burst of 6 per destination.
        var stack = Stack(IpCraft.Local4);
        var sink = new PacketCollector();
        for (int i = 0; i < 10; i++)
            stack.Deliver(IpCraft.Other(IpCraft.Remote4, IpCraft.Local4, IpProtocol.Udp), T0);
        stack.Poll(T0, sink);
        Assert.Equal(6, sink.Packets.Count);
        Assert.Equal(4, stack.IpCounters.IcmpOutRateLimitHost);
        Assert.Equal(10, stack.Counters.Drops(TcpDropReason.NotTcp));

        // Another destination has its own bucket.
        stack.Deliver(IpCraft.Other(IpAddress.V4(10, 0, 0, 77), IpCraft.Local4, IpProtocol.Udp), T0);
        // 999 ms later the first destination still has no whole token; at 1000 ms it has one.
        stack.Deliver(IpCraft.Other(IpCraft.Remote4, IpCraft.Local4, IpProtocol.Udp), T0 + Duration.FromMilliseconds(999L));
        var second = T0 + Duration.FromMilliseconds(1000L);
        stack.Deliver(IpCraft.Other(IpCraft.Remote4, IpCraft.Local4, IpProtocol.Udp), second);
        sink.Packets.Clear();
        stack.Poll(second, sink);
        Assert.Equal(2, sink.Packets.Count);
    }

    [Fact]
    public void No_icmp_error_answers_an_icmp_error()
    {
        var stack = Stack(IpCraft.Local4);
        // A port unreachable about some UDP packet this host supposedly sent: read, not answered.
        var udp = IpCraft.Other(IpCraft.Local4, IpCraft.Remote4, IpProtocol.Udp);
        var msg = new byte[20 + IcmpV4Packet.ErrorLength(udp)];
        IcmpV4Packet.WriteDestinationUnreachable(msg.AsSpan(20), IcmpV4Packet.CodePortUnreachable, udp);
        Ipv4Packet.WriteHeader(msg, new Ipv4HeaderFields { Source = IpCraft.Remote4, Destination = IpCraft.Local4, Protocol = IpProtocol.Icmp }, msg.Length - 20);
        stack.Deliver(msg, T0);
        var sink = new PacketCollector();
        stack.Poll(T0, sink);
        Assert.Empty(sink.Packets);
        Assert.Equal(1, stack.IpCounters.IcmpInErrorMessages);
    }
}
