using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Ip;

/// <summary>
/// What an ICMPv4 message SynAck sends carries: the quote of an error (RFC 1122 §3.2.2 asks for at least 8 data bytes;
/// as Linux and RFC 1812 §4.3.2.3, as much of the datagram as fits in 576 bytes) and an IP identification unique per
/// destination for these datagrams without DF (RFC 6864 §4.1: non-atomic datagrams must not repeat their ID).
/// </summary>
public sealed class IcmpQuoteAndIdentificationTests
{
    private static readonly Instant T0 = Instant.FromMilliseconds(1000);

    private static NetStack Stack() => new(IpCraft.Local4, TcpSettings.Default, new SplitMix64Random(5)) { IpSettings = IpSettings.Default };

    private static byte[] Udp(int payload)
    {
        var p = new byte[20 + 8 + payload];
        p[20] = 0x14; p[21] = 0xE9; // source port 5353
        p[22] = 0x00; p[23] = 0xA1; // destination port 161
        p[24] = (byte)((8 + payload) >> 8); p[25] = (byte)(8 + payload);
        for (int i = 28; i < p.Length; i++)
            p[i] = (byte)'C';
        Ipv4Packet.WriteHeader(p, new Ipv4HeaderFields { Source = IpCraft.Remote4, Destination = IpCraft.Local4, Protocol = IpProtocol.Udp, Ttl = 64 }, 8 + payload);
        return p;
    }

    private static IcmpV4Packet Unreachable(byte[] udp, out int ipLength)
    {
        var stack = Stack();
        stack.Deliver(udp, T0);
        var sink = new PacketCollector();
        stack.Poll(T0, sink);
        var msg = Assert.Single(sink.Packets);
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(msg, out var ip));
        ipLength = msg.Length;
        Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(ip.Payload, out var icmp));
        Assert.Equal(IcmpV4Packet.CodePortUnreachable, icmp.Code);
        return icmp;
    }

    [Fact]
    public void A_port_unreachable_quotes_the_whole_probe_when_it_fits_in_576_bytes()
    {
        // nmap's U1 probe: a UDP datagram with 300 data bytes; Linux quotes all of it (IPL 0x164 = 356).
        var udp = Udp(300);
        var icmp = Unreachable(udp, out int ipLength);
        Assert.Equal(20 + 8 + udp.Length, ipLength);
        Assert.Equal(udp, icmp.Data.ToArray());
    }

    [Fact]
    public void A_port_unreachable_for_a_large_datagram_is_cut_to_576_bytes()
    {
        var udp = Udp(1400);
        var icmp = Unreachable(udp, out int ipLength);
        Assert.Equal(576, ipLength);
        Assert.Equal(udp.AsSpan(0, 576 - 28).ToArray(), icmp.Data.ToArray());
        Assert.Equal(161, icmp.Quoted.DestinationPort);
    }

    [Fact]
    public void Icmp_datagrams_without_df_carry_identifications_that_do_not_repeat_for_a_destination()
    {
        var stack = Stack();
        var sink = new PacketCollector();
        var ids = new List<ushort>();
        for (ushort seq = 0; seq < 5; seq++)
        {
            stack.Deliver(IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, 1, seq, IpCraft.Data(8)), T0 + Duration.FromMilliseconds(seq * 10));
            stack.Poll(T0 + Duration.FromMilliseconds(seq * 10), sink);
        }
        foreach (var packet in sink.Packets)
        {
            Assert.Equal(WireStatus.Ok, Ipv4Packet.TryParse(packet, out var ip));
            Assert.False(ip.DontFragment);
            ids.Add(ip.Identification);
        }
        Assert.Equal(5, ids.Count);
        Assert.Equal(5, ids.Distinct().Count());
        // As Linux: one counter per destination (hashed bucket), so consecutive datagrams to a host count up by one.
        for (int i = 1; i < ids.Count; i++)
            Assert.Equal((ushort)(ids[i - 1] + 1), ids[i]);
    }

    [Fact]
    public void Different_stacks_start_their_identifications_at_different_values()
    {
        // RFC 7739 §5: the first ID for a destination is not predictable (it comes from the stack's secret key).
        ushort First(ulong seed)
        {
            var stack = new NetStack(IpCraft.Local4, TcpSettings.Default, new SplitMix64Random(seed)) { IpSettings = IpSettings.Default };
            stack.Deliver(IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, 1, 1, IpCraft.Data(8)), T0);
            var sink = new PacketCollector();
            stack.Poll(T0, sink);
            Assert.Equal(WireStatus.Ok, Ipv4Packet.TryParse(Assert.Single(sink.Packets), out var ip));
            return ip.Identification;
        }
        var firsts = new[] { First(1), First(2), First(3), First(4) };
        Assert.True(firsts.Distinct().Count() >= 3, string.Join(",", firsts));
    }
}
