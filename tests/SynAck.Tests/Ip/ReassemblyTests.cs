using System.Buffers.Binary;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Ip;

/// <summary>IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5) reassembly, bounded in memory and time, with RFC 5722 overlaps.</summary>
public sealed class ReassemblyTests
{
    private static readonly Instant T0 = Instant.FromMilliseconds(1000);

    private static NetStack Stack(IpAddress local, IpSettings? ip = null)
        => new(local, TcpSettings.Default, new SplitMix64Random(5)) { IpSettings = ip ?? IpSettings.Default };

    private static byte[] Syn(IpAddress src, IpAddress dst)
        => IpCraft.Tcp(src, dst, new TcpHeaderFields
        {
            SourcePort = 40000, DestinationPort = 80, Seq = new SeqNum(1000), Flags = TcpFlags.Syn, Window = 65535,
            Options = new TcpOptions { HasMss = true, Mss = 1460, SackPermitted = true, HasTimestamps = true, TsVal = 1 },
        });

    private static TcpFlags OnlyTcpFlags(byte[] packet)
    {
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(packet, out var ip));
        Assert.Equal(WireStatus.Ok, ip.TryGetTcp(out var tcp));
        return tcp.Flags;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_syn_in_eight_byte_ipv4_fragments_is_answered_in_any_order(bool reversed)
    {
        var stack = Stack(IpCraft.Local4);
        stack.Listen(80);
        var fragments = IpCraft.FragmentV4(Syn(IpCraft.Remote4, IpCraft.Local4), 8);
        Assert.True(fragments.Count >= 4);
        if (reversed)
            fragments.Reverse();
        var sink = new PacketCollector();
        foreach (var f in fragments)
        {
            stack.Deliver(f, T0);
            stack.Poll(T0, sink);
        }
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, OnlyTcpFlags(Assert.Single(sink.Packets)));
        Assert.Equal(fragments.Count, stack.IpCounters.ReasmReqds);
        Assert.Equal(1, stack.IpCounters.ReasmOKs);
        Assert.Equal(0, stack.IpCounters.ReasmBytes);
        Assert.Equal(0, stack.IpCounters.ReasmDatagrams);
    }

    [Fact]
    public void A_syn_in_ipv6_fragments_is_answered()
    {
        var stack = Stack(IpCraft.Local6);
        stack.Listen(80);
        var sink = new PacketCollector();
        foreach (var f in IpCraft.FragmentV6(Syn(IpCraft.Remote6, IpCraft.Local6), 16))
            stack.Deliver(f, T0);
        stack.Poll(T0, sink);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, OnlyTcpFlags(Assert.Single(sink.Packets)));
        Assert.Equal(1, stack.IpCounters.ReasmOKs);
    }

    [Fact]
    public void A_3000_byte_ping_in_fragments_is_answered_with_a_fragmented_reply_that_reassembles_to_the_same_data()
    {
        var stack = Stack(IpCraft.Local4);
        var data = IpCraft.Data(3000);
        var request = IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, 77, 1, data);
        var sink = new PacketCollector();
        foreach (var f in IpCraft.FragmentV4(request, 1480))
            stack.Deliver(f, T0);
        stack.Poll(T0, sink);

        // The reply is 3028 bytes; the link MTU is 1500, so it leaves in three fragments.
        Assert.Equal(3, sink.Packets.Count);
        Assert.All(sink.Packets, p => Assert.True(p.Length <= 1500));
        var peer = Stack(IpCraft.Remote4);
        foreach (var f in sink.Packets)
            peer.Deliver(f, T0);
        Assert.Equal(1, peer.IpCounters.ReasmOKs);
        // The peer (another SynAck) has no echo socket: it read the reassembled reply as one ICMP message.
        Assert.Equal(1, peer.IpCounters.IcmpInMsgs);
    }

    [Fact]
    public void A_large_ipv6_ping_is_answered_with_fragments()
    {
        var stack = Stack(IpCraft.Local6);
        var request = IpCraft.EchoRequest(IpCraft.Remote6, IpCraft.Local6, 5, 5, IpCraft.Data(3000));
        var sink = new PacketCollector();
        foreach (var f in IpCraft.FragmentV6(request, 1232))
            stack.Deliver(f, T0);
        stack.Poll(T0, sink);
        Assert.True(sink.Packets.Count >= 3);
        Assert.All(sink.Packets, p => Assert.True(p.Length <= 1500));
        var peer = Stack(IpCraft.Remote6);
        foreach (var f in sink.Packets)
            peer.Deliver(f, T0);
        Assert.Equal(1, peer.IpCounters.ReasmOKs);
        Assert.Equal(1, peer.IpCounters.IcmpInMsgs);
        Assert.Equal(0, peer.IpCounters.IcmpInErrors);
    }

    [Fact]
    public void An_exact_duplicate_fragment_is_ignored_and_the_datagram_still_completes()
    {
        var stack = Stack(IpCraft.Local4);
        stack.Listen(80);
        var fragments = IpCraft.FragmentV4(Syn(IpCraft.Remote4, IpCraft.Local4), 16);
        stack.Deliver(fragments[0], T0);
        stack.Deliver(fragments[0], T0);
        foreach (var f in fragments.Skip(1))
            stack.Deliver(f, T0);
        var sink = new PacketCollector();
        stack.Poll(T0, sink);
        Assert.Single(sink.Packets);
        Assert.Equal(1, stack.IpCounters.ReasmDuplicates);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Overlapping_fragments_discard_the_datagram(bool v6)
    {
        // RFC 5722 §4 for IPv6 (MUST discard); Linux does the same for IPv4 since the FragmentSmack fixes.
        var local = v6 ? IpCraft.Local6 : IpCraft.Local4;
        var remote = v6 ? IpCraft.Remote6 : IpCraft.Remote4;
        var stack = Stack(local);
        stack.Listen(80);
        var syn = Syn(remote, local);
        int header = v6 ? 40 : 20;
        var tcp = syn[header..];
        byte[] First(int len) => v6 ? IpCraft.V6Fragment(syn, 9, 0, tcp.AsSpan(0, len), true) : IpCraft.V4Fragment(syn.AsSpan(0, 20), 9, 0, tcp.AsSpan(0, len), true);
        byte[] Rest(int offset) => v6 ? IpCraft.V6Fragment(syn, 9, offset, tcp.AsSpan(offset), false) : IpCraft.V4Fragment(syn.AsSpan(0, 20), 9, offset, tcp.AsSpan(offset), false);
        stack.Deliver(First(16), T0);
        stack.Deliver(Rest(8), T0);   // overlaps bytes 8..16 of the first
        stack.Deliver(Rest(16), T0);  // would have completed it
        var sink = new PacketCollector();
        stack.Poll(T0, sink);
        Assert.DoesNotContain(sink.Packets, p => p[v6 ? 6 : 9] == (byte)IpProtocol.Tcp);
        Assert.Equal(1, stack.IpCounters.ReasmOverlaps);
        Assert.True(stack.Counters.Drops(TcpDropReason.IpFragment) >= 1);
        Assert.Equal(0, stack.IpCounters.ReasmOKs);
    }

    [Fact]
    public void A_datagram_not_completed_in_time_is_given_up_with_time_exceeded_to_its_sender()
    {
        var stack = Stack(IpCraft.Local4);
        var fragments = IpCraft.FragmentV4(IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, 1, 1, IpCraft.Data(100)), 32);
        stack.Deliver(fragments[0], T0);
        stack.Deliver(fragments[1], T0 + Duration.FromSeconds(10));
        Assert.True(stack.IpCounters.ReasmBytes > 0);
        // Linux ipfrag_time: 30 s from the first fragment.
        Assert.Equal(T0 + Duration.FromSeconds(30), stack.NextDeadline);
        var sink = new PacketCollector();
        stack.Poll(T0 + Duration.FromSeconds(29), sink);
        Assert.Empty(sink.Packets);
        stack.Poll(T0 + Duration.FromSeconds(30), sink);

        var msg = Assert.Single(sink.Packets);
        IpPacket.TryParse(msg, out var ip);
        Assert.Equal(IpCraft.Remote4, ip.Destination);
        Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(ip.Payload, out var icmp));
        Assert.Equal(IcmpV4Type.TimeExceeded, icmp.Type);
        Assert.Equal(1, icmp.Code);
        Assert.Equal(1, stack.IpCounters.ReasmTimeout);
        Assert.Equal(0, stack.IpCounters.ReasmBytes);
        Assert.Equal(Instant.MaxValue, stack.NextDeadline);
    }

    [Fact]
    public void Without_the_first_fragment_a_timed_out_datagram_is_dropped_silently()
    {
        var stack = Stack(IpCraft.Local6);
        var fragments = IpCraft.FragmentV6(IpCraft.EchoRequest(IpCraft.Remote6, IpCraft.Local6, 1, 1, IpCraft.Data(100)), 32);
        stack.Deliver(fragments[1], T0);
        Assert.Equal(T0 + Duration.FromSeconds(60), stack.NextDeadline);
        var sink = new PacketCollector();
        stack.Poll(T0 + Duration.FromSeconds(60), sink);
        Assert.Empty(sink.Packets);
        Assert.Equal(1, stack.IpCounters.ReasmTimeout);
    }

    [Fact]
    public void The_reassembly_budget_bounds_memory_and_counts_what_it_refuses()
    {
        var budget = 64 * 1024;
        var stack = Stack(IpCraft.Local4, new IpSettings { ReassemblyBudgetBytes = budget });
        // 200 datagrams each missing their last fragment: a memory exhaustion attempt.
        for (ushort id = 0; id < 200; id++)
        {
            var fragments = IpCraft.FragmentV4(IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, id, 1, IpCraft.Data(1000)), 512, id);
            stack.Deliver(fragments[0], T0);
            Assert.True(stack.IpCounters.ReasmBytes <= budget);
        }
        Assert.True(stack.IpCounters.ReasmOverBudget > 0);
        Assert.True(stack.IpCounters.ReasmDatagrams < 200);

        // A datagram that arrives whole in its fragments after the others timed out goes through.
        var later = T0 + Duration.FromSeconds(30);
        var sink = new PacketCollector();
        stack.Poll(later, sink);
        Assert.Equal(0, stack.IpCounters.ReasmBytes);
        sink.Packets.Clear();
        foreach (var f in IpCraft.FragmentV4(IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, 999, 1, IpCraft.Data(1000)), 512, 999))
            stack.Deliver(f, later);
        stack.Poll(later, sink);
        Assert.Single(sink.Packets, p => p[9] == (byte)IpProtocol.Icmp && p[20] == (byte)IcmpV4Type.EchoReply);
    }

    [Fact]
    public void A_fragment_reaching_past_65535_bytes_discards_its_datagram()
    {
        var stack = Stack(IpCraft.Local4);
        var header = IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, 1, 1, IpCraft.Data(8)).AsSpan(0, 20).ToArray();
        stack.Deliver(IpCraft.V4Fragment(header, 5, 0, IpCraft.Data(64), true), T0);
        // Offset 65528 + 16 bytes: the "ping of death".
        stack.Deliver(IpCraft.V4Fragment(header, 5, 65528, IpCraft.Data(16), false), T0);
        Assert.Equal(1, stack.IpCounters.ReasmMalformed);
        Assert.Equal(0, stack.IpCounters.ReasmDatagrams);
        Assert.Equal(0, stack.IpCounters.ReasmBytes);
    }

    [Fact]
    public void A_middle_fragment_whose_length_is_not_a_multiple_of_eight_is_dropped()
    {
        var stack = Stack(IpCraft.Local6);
        var request = IpCraft.EchoRequest(IpCraft.Remote6, IpCraft.Local6, 1, 1, IpCraft.Data(64));
        stack.Deliver(IpCraft.V6Fragment(request, 3, 0, request.AsSpan(40, 13), true), T0);
        Assert.Equal(1, stack.IpCounters.ReasmMalformed);
        Assert.Equal(1, stack.Counters.Drops(TcpDropReason.IpFragment));
    }

    [Fact]
    public void A_fragment_for_another_address_is_not_held()
    {
        var stack = Stack(IpCraft.Local4);
        var fragments = IpCraft.FragmentV4(IpCraft.EchoRequest(IpCraft.Remote4, IpAddress.V4(10, 0, 0, 99), 1, 1, IpCraft.Data(64)), 32);
        stack.Deliver(fragments[0], T0);
        Assert.Equal(1, stack.Counters.Drops(TcpDropReason.WrongAddress));
        Assert.Equal(0, stack.IpCounters.ReasmDatagrams);
    }

    [Fact]
    public void Datagrams_with_different_identifications_are_kept_apart()
    {
        var stack = Stack(IpCraft.Local4);
        var a = IpCraft.FragmentV4(IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, 1, 1, IpCraft.Data(64)), 32, 100);
        var b = IpCraft.FragmentV4(IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, 2, 2, IpCraft.Data(64)), 32, 200);
        stack.Deliver(a[0], T0);
        stack.Deliver(b[0], T0);
        stack.Deliver(b[1], T0);
        stack.Deliver(a[1], T0);
        stack.Deliver(a[2], T0);
        stack.Deliver(b[2], T0);
        var sink = new PacketCollector();
        stack.Poll(T0, sink);
        Assert.Equal(2, sink.Packets.Count);
        Assert.Equal([1, 2], sink.Packets.Select(p => (int)BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(24))));
    }
}
