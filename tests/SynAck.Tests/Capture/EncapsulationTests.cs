using SynAck.Capture;
using SynAck.Wire;

namespace SynAck.Tests.Capture;

/// <summary>Every encapsulation <see cref="LinkLayer.Decode(LinkType, ReadOnlySpan{byte}, out ReadOnlySpan{byte})"/> follows, built byte by byte around a real TCP packet.</summary>
public sealed class EncapsulationTests
{
    private static readonly IpAddress A4 = IpAddress.V4(10, 0, 0, 1), B4 = IpAddress.V4(10, 0, 0, 2);
    private static readonly IpAddress O4 = IpAddress.V4(192, 0, 2, 1), P4 = IpAddress.V4(192, 0, 2, 2);
    private static readonly IpAddress A6 = IpAddress.Parse("2001:db8::1"), B6 = IpAddress.Parse("2001:db8::2");
    private static readonly byte[] Macs = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];

    private static byte[] Tcp(bool v6 = false)
    {
        var buffer = new byte[200];
        var h = new TcpHeaderFields { SourcePort = 40000, DestinationPort = 80, Seq = new SeqNum(1), Flags = TcpFlags.Syn, Window = 1000 };
        int n = v6 ? IpPacket.WriteTcp(buffer, A6, B6, h, []) : IpPacket.WriteTcp(buffer, A4, B4, h, []);
        return buffer[..n];
    }

    private static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Ipv4(IpProtocol protocol, byte[] payload)
    {
        var header = new byte[20];
        Ipv4Packet.WriteHeader(header, new Ipv4HeaderFields { Source = O4, Destination = P4, Protocol = protocol, Ttl = 64 }, payload.Length);
        return Cat(header, payload);
    }

    private static byte[] Ipv6(IpProtocol protocol, byte[] payload)
    {
        var header = new byte[40];
        Ipv6Packet.WriteHeader(header, IpAddress.Parse("2001:db8:ff::1"), IpAddress.Parse("2001:db8:ff::2"), protocol, payload.Length);
        return Cat(header, payload);
    }

    private static byte[] Udp(ushort port, byte[] payload)
        => Cat([0xC0, 0x00, (byte)(port >> 8), (byte)port, (byte)((payload.Length + 8) >> 8), (byte)(payload.Length + 8), 0, 0], payload);

    private static byte[] Ether(ushort type, byte[] payload) => Cat(Macs, [(byte)(type >> 8), (byte)type], payload);

    private static void AssertInner(byte[] expected, LinkType type, byte[] frame)
    {
        Assert.Equal(LinkDecodeStatus.Ip, LinkLayer.Decode(type, frame, out var ip));
        Assert.Equal(expected, ip[..expected.Length].ToArray());
    }

    [Fact]
    public void Mpls_label_stacks_carry_ip_or_an_ethernet_pseudowire()
    {
        var tcp = Tcp();
        byte[] labels = [0x00, 0x01, 0x00, 0x40, 0x00, 0x02, 0x01, 0x40]; // two labels, the second with S set
        AssertInner(tcp, LinkType.Ethernet, Ether(0x8847, Cat(labels, tcp)));
        AssertInner(Tcp(true), LinkType.Ethernet, Ether(0x8847, Cat(labels, Tcp(true))));
        // RFC 4448 pseudowire: control word (0000...), then the customer's Ethernet frame.
        AssertInner(tcp, LinkType.Ethernet, Ether(0x8847, Cat(labels, [0, 0, 0, 0], Ether(0x0800, tcp))));
        Assert.Equal(LinkDecodeStatus.Truncated, LinkLayer.Decode(LinkType.Ethernet, Ether(0x8847, [0x00, 0x01, 0x00, 0x40]), out _));
    }

    [Fact]
    public void Pppoe_sessions_are_followed_also_behind_qinq_tags()
    {
        var tcp = Tcp();
        byte[] pppoe = [0x11, 0x00, 0x12, 0x34, 0x00, (byte)(tcp.Length + 2), 0x00, 0x21];
        AssertInner(tcp, LinkType.Ethernet, Ether(0x8864, Cat(pppoe, tcp)));
        AssertInner(tcp, LinkType.Ethernet, Ether(0x88A8, Cat([0x00, 0x64, 0x81, 0x00, 0x00, 0x2A, 0x88, 0x64], pppoe, tcp)));
        AssertInner(Tcp(true), LinkType.Ethernet, Ether(0x8864, Cat([0x11, 0x00, 0x12, 0x34, 0x00, 0x30, 0x00, 0x57], Tcp(true))));
        // Discovery (code PADI) is not data.
        Assert.Equal(LinkDecodeStatus.NotIp, LinkLayer.Decode(LinkType.Ethernet, Ether(0x8864, Cat([0x11, 0x09, 0, 0, 0, 2, 0, 0x21], tcp)), out _));
    }

    [Fact]
    public void Pbb_vn_tag_and_llc_snap_frames_are_followed()
    {
        var tcp = Tcp();
        AssertInner(tcp, LinkType.Ethernet, Ether(0x88E7, Cat([0x00, 0x00, 0x10, 0x01], Ether(0x0800, tcp))));
        AssertInner(tcp, LinkType.Ethernet, Ether(0x8926, Cat([0x80, 0x01, 0x00, 0x02, 0x08, 0x00], tcp)));
        // IEEE 802.3 length field, then LLC/SNAP with an EtherType.
        AssertInner(tcp, LinkType.Ethernet, Cat(Macs, [0x00, (byte)(tcp.Length + 8), 0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00], tcp));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Ip_in_ip_yields_the_inner_packet(bool outerV6, bool innerV6)
    {
        var inner = Tcp(innerV6);
        var protocol = (IpProtocol)(innerV6 ? 41 : 4);
        var outer = outerV6 ? Ipv6(protocol, inner) : Ipv4(protocol, inner);
        AssertInner(inner, LinkType.Raw, outer);
        // TryGetIpPacket stops at the outer packet.
        Assert.True(LinkLayer.TryGetIpPacket(LinkType.Raw, outer, out var first));
        Assert.Equal(outer.Length, first.Length);
    }

    [Fact]
    public void Gre_with_key_and_sequence_transparent_bridging_and_erspan_are_followed()
    {
        var tcp = Tcp();
        var gre = (IpProtocol)47;
        AssertInner(tcp, LinkType.Raw, Ipv4(gre, Cat([0x00, 0x00, 0x08, 0x00], tcp)));
        AssertInner(tcp, LinkType.Raw, Ipv4(gre, Cat([0xB0, 0x00, 0x08, 0x00], new byte[12], tcp))); // C, K, S
        AssertInner(tcp, LinkType.Raw, Ipv4(gre, Cat([0x00, 0x00, 0x65, 0x58], Ether(0x0800, tcp))));
        AssertInner(tcp, LinkType.Raw, Ipv4(gre, Cat([0x00, 0x00, 0x88, 0xBE], Ether(0x0800, tcp)))); // ERSPAN I
        AssertInner(tcp, LinkType.Raw, Ipv4(gre, Cat([0x10, 0x00, 0x88, 0xBE, 0, 0, 0, 1], new byte[8], Ether(0x0800, tcp)))); // ERSPAN II
        AssertInner(tcp, LinkType.Raw, Ipv4(gre, Cat([0x10, 0x00, 0x22, 0xEB, 0, 0, 0, 1], new byte[11], [0x01], new byte[8], Ether(0x0800, tcp)))); // ERSPAN III + platform
        // PPTP's enhanced GRE: version 1, key always present, PPP inside.
        AssertInner(tcp, LinkType.Raw, Ipv4(gre, Cat([0x30, 0x01, 0x88, 0x0B, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0x03, 0x00, 0x21], tcp)));
    }

    [Fact]
    public void Udp_tunnels_vxlan_geneve_gtp_teredo_and_l2tp_are_followed()
    {
        var tcp = Tcp();
        var udp = IpProtocol.Udp;
        AssertInner(tcp, LinkType.Raw, Ipv4(udp, Udp(4789, Cat([0x08, 0, 0, 0, 0, 0, 0x2A, 0], Ether(0x0800, tcp)))));
        AssertInner(tcp, LinkType.Raw, Ipv6(udp, Udp(6081, Cat([0x01, 0x00, 0x65, 0x58, 0, 0, 0x2A, 0], new byte[4], Ether(0x0800, tcp)))));
        // GTP-U G-PDU with the E flag and one 4-byte extension header (PDU session container).
        AssertInner(tcp, LinkType.Raw, Ipv4(udp, Udp(2152, Cat([0x34, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x85, 0x01, 0x00, 0x01, 0x00], tcp))));
        // Teredo with an origin indication.
        AssertInner(Tcp(true), LinkType.Raw, Ipv4(udp, Udp(3544, Cat([0, 0, 0x12, 0x34, 1, 2, 3, 4], Tcp(true)))));
        // L2TPv2 data with the length bit, then PPP in HDLC-like framing.
        AssertInner(tcp, LinkType.Raw, Ipv4(udp, Udp(1701, Cat([0x40, 0x02, 0, 0, 0, 1, 0, 2, 0xFF, 0x03, 0x00, 0x21], tcp))));
        // Another UDP port is just UDP.
        var plain = Ipv4(udp, Udp(53, tcp));
        Assert.Equal(LinkDecodeStatus.Ip, LinkLayer.Decode(LinkType.Raw, plain, out var ip));
        Assert.Equal(plain.Length, ip.Length);
    }

    [Fact]
    public void Serial_wireless_and_host_link_types_are_decoded()
    {
        var tcp = Tcp();
        AssertInner(tcp, LinkType.CiscoHdlc, Cat([0x0F, 0x00, 0x08, 0x00], tcp));
        AssertInner(tcp, LinkType.Ppp, Cat([0xFF, 0x03, 0x00, 0x21], tcp));
        AssertInner(tcp, LinkType.FrameRelay, Cat([0x18, 0x41, 0x03, 0xCC], tcp));
        AssertInner(tcp, LinkType.Slip, Cat(new byte[16], tcp));
        AssertInner(tcp, LinkType.Ipoib, Cat(new byte[40], [0x08, 0x00, 0, 0], tcp));
        // Radiotap (8 bytes), then an 802.11 QoS data frame to the AP, then LLC/SNAP.
        byte[] qosData = [0x88, 0x01, 0, 0, .. new byte[18], 0, 0, 0x00, 0x00];
        AssertInner(tcp, LinkType.Ieee80211Radiotap, Cat([0, 0, 8, 0, 0, 0, 0, 0], qosData, [0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00], tcp));
        byte[] protectedData = [0x08, 0x41, .. new byte[22]];
        Assert.Equal(LinkDecodeStatus.Encrypted, LinkLayer.Decode(LinkType.Ieee80211, Cat(protectedData, tcp), out _));
        AssertInner(tcp, LinkType.Nflog, Cat([2, 0, 0, 0], [(byte)(tcp.Length + 4), 0, 9, 0], tcp));
    }

    [Fact]
    public void An_unknown_link_type_is_reported_as_unsupported_and_crafted_nesting_stops()
    {
        Assert.Equal(LinkDecodeStatus.UnsupportedLinkType, LinkLayer.Decode((LinkType)195, Tcp(), out _));
        Assert.False(LinkLayer.IsSupported((LinkType)195));
        Assert.True(LinkLayer.IsSupported(LinkType.Ieee80211Radiotap));
        // Transparent bridging nested without end.
        var frame = Tcp();
        for (int i = 0; i < 40; i++)
            frame = Ether(0x6558, frame);
        Assert.Equal(LinkDecodeStatus.TooDeep, LinkLayer.Decode(LinkType.Ethernet, frame, out _));
    }
}
