using SynAck.Capture;
using SynAck.Wire;

namespace SynAck.Tests.Capture;

/// <summary>What <see cref="LinkLayer.Decode(LinkType, ReadOnlySpan{byte}, ref TunnelTrail, out ReadOnlySpan{byte})"/> records of the encapsulations a frame passed.</summary>
public sealed class TunnelTrailTests
{
    private static readonly IpAddress A4 = IpAddress.V4(10, 0, 0, 1), B4 = IpAddress.V4(10, 0, 0, 2);
    private static readonly IpAddress O4 = IpAddress.V4(192, 0, 2, 1), P4 = IpAddress.V4(192, 0, 2, 2), Q4 = IpAddress.V4(192, 0, 2, 3);
    private static readonly byte[] Macs = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];

    private static byte[] Tcp()
    {
        var buffer = new byte[200];
        var h = new TcpHeaderFields { SourcePort = 40000, DestinationPort = 80, Seq = new SeqNum(1), Flags = TcpFlags.Syn, Window = 1000 };
        return buffer[..IpPacket.WriteTcp(buffer, A4, B4, h, [])];
    }

    private static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Ipv4(IpAddress src, IpAddress dst, IpProtocol protocol, byte[] payload)
    {
        var header = new byte[20];
        Ipv4Packet.WriteHeader(header, new Ipv4HeaderFields { Source = src, Destination = dst, Protocol = protocol, Ttl = 64 }, payload.Length);
        return Cat(header, payload);
    }

    private static byte[] Udp(ushort port, byte[] payload)
        => Cat([0xC0, 0x00, (byte)(port >> 8), (byte)port, (byte)((payload.Length + 8) >> 8), (byte)(payload.Length + 8), 0, 0], payload);

    private static byte[] Ether(ushort type, byte[] payload) => Cat(Macs, [(byte)(type >> 8), (byte)type], payload);

    private static byte[] Vxlan(uint vni, byte[] innerFrame) => Cat([0x08, 0, 0, 0, (byte)(vni >> 16), (byte)(vni >> 8), (byte)vni, 0], innerFrame);

    private static byte[] Gtp(uint teid, byte[] ip) => Cat([0x30, 0xFF, (byte)(ip.Length >> 8), (byte)ip.Length, (byte)(teid >> 24), (byte)(teid >> 16), (byte)(teid >> 8), (byte)teid], ip);

    private static TunnelTrail Decode(LinkType type, byte[] frame, out int innerLength)
    {
        var trail = new TunnelTrail();
        Assert.Equal(LinkDecodeStatus.Ip, LinkLayer.Decode(type, frame, ref trail, out var ip));
        innerLength = ip.Length;
        return trail;
    }

    private static TunnelTrail Decode(LinkType type, byte[] frame) => Decode(type, frame, out _);

    [Fact]
    public void A_plain_frame_records_nothing_and_a_reused_trail_forgets_the_previous_frame()
    {
        var trail = new TunnelTrail();
        var vxlan = Ether(0x0800, Ipv4(O4, P4, IpProtocol.Udp, Udp(4789, Vxlan(7, Ether(0x0800, Tcp())))));
        Assert.Equal(LinkDecodeStatus.Ip, LinkLayer.Decode(LinkType.Ethernet, vxlan, ref trail, out _));
        Assert.False(trail.IsEmpty);
        Assert.Equal(LinkDecodeStatus.Ip, LinkLayer.Decode(LinkType.Ethernet, Ether(0x0800, Tcp()), ref trail, out _));
        Assert.True(trail.IsEmpty);
        Assert.Equal(0ul, trail.PathHash);
        Assert.Equal(0ul, trail.IdHash);
    }

    [Fact]
    public void Vlan_tags_mpls_labels_and_pppoe_sessions_are_recorded_with_their_ids_outermost_first()
    {
        var tcp = Tcp();
        var qinq = Decode(LinkType.Ethernet, Ether(0x88A8, Cat([0x20, 0x64, 0x81, 0x00, 0x00, 0x2A, 0x08, 0x00], tcp)));
        Assert.Equal([new TunnelLayer(TunnelKind.Vlan, 100, true, default, default, false), new TunnelLayer(TunnelKind.Vlan, 42, true, default, default, false)], qinq.ToArray());

        // Labels 16 and 8191 (0x01FFF), the second at the bottom of the stack.
        var mpls = Decode(LinkType.Ethernet, Ether(0x8847, Cat([0x00, 0x01, 0x00, 0x40, 0x01, 0xFF, 0xF1, 0x40], tcp)));
        Assert.Equal([16u, 8191u], mpls.ToArray().Select(l => l.Id));
        Assert.All(mpls.ToArray(), l => Assert.Equal(TunnelKind.Mpls, l.Kind));

        var pppoe = Decode(LinkType.Ethernet, Ether(0x8864, Cat([0x11, 0x00, 0x12, 0x34, 0x00, (byte)(tcp.Length + 2), 0x00, 0x21], tcp)));
        Assert.Equal(TunnelKind.Pppoe, Assert.Single(pppoe.ToArray()).Kind);
        Assert.Equal(0x1234u, pppoe[0].Id);

        // Tags and labels are not part of the path (one direction may lack them) but of the ids, as their ids are.
        var other = Decode(LinkType.Ethernet, Ether(0x88A8, Cat([0x00, 0x65, 0x81, 0x00, 0x00, 0x2A, 0x08, 0x00], tcp)));
        Assert.Equal(0ul, qinq.PathHash);
        Assert.Equal(0ul, other.PathHash);
        Assert.NotEqual(0ul, qinq.IdHash);
        Assert.NotEqual(qinq.IdHash, other.IdHash);
        Assert.NotEqual(mpls.IdHash, qinq.IdHash);
    }

    [Fact]
    public void A_vxlan_tunnel_records_its_vni_and_outer_addresses_and_the_tags_inside_it()
    {
        var inner = Ether(0x8100, Cat([0x00, 0x0A, 0x08, 0x00], Tcp()));
        var trail = Decode(LinkType.Ethernet, Ether(0x0800, Ipv4(O4, P4, IpProtocol.Udp, Udp(4789, Vxlan(0x123456, inner)))), out int length);
        Assert.Equal(Tcp().Length, length);
        Assert.Equal(2, trail.Count);
        Assert.Equal(new TunnelLayer(TunnelKind.Vxlan, 0x123456, true, O4, P4, true), trail[0]);
        Assert.Equal(new TunnelLayer(TunnelKind.Vlan, 10, true, default, default, false), trail[1]);
        Assert.Equal("vxlan", trail[0].Name);
    }

    [Fact]
    public void Swapped_outer_addresses_hash_alike_and_other_outer_addresses_do_not()
    {
        var tcp = Tcp();
        var there = Decode(LinkType.Raw, Ipv4(O4, P4, (IpProtocol)4, tcp));
        var back = Decode(LinkType.Raw, Ipv4(P4, O4, (IpProtocol)4, tcp));
        var elsewhere = Decode(LinkType.Raw, Ipv4(O4, Q4, (IpProtocol)4, tcp));
        Assert.Equal(new TunnelLayer(TunnelKind.IpInIp, 0, false, O4, P4, true), Assert.Single(there.ToArray()));
        Assert.Equal(there[0].Reversed, back[0]);
        Assert.Equal(there.PathHash, back.PathHash);
        Assert.NotEqual(there.PathHash, elsewhere.PathHash);
        Assert.NotEqual(0ul, there.PathHash);
    }

    [Fact]
    public void Gre_keys_pptp_call_ids_gtp_teids_and_geneve_vnis_are_recorded()
    {
        var tcp = Tcp();
        var gre = Decode(LinkType.Raw, Ipv4(O4, P4, (IpProtocol)47, Cat([0xA0, 0x00, 0x08, 0x00], [0, 0, 0, 0], [0, 0, 0x30, 0x39], tcp))); // C and K
        Assert.Equal(new TunnelLayer(TunnelKind.Gre, 12345, true, O4, P4, true), Assert.Single(gre.ToArray()));
        var keyless = Decode(LinkType.Raw, Ipv4(O4, P4, (IpProtocol)47, Cat([0x00, 0x00, 0x08, 0x00], tcp)));
        Assert.False(keyless[0].HasId);
        var pptp = Decode(LinkType.Raw, Ipv4(O4, P4, (IpProtocol)47, Cat([0x30, 0x01, 0x88, 0x0B, 0, 0, 0x00, 0x07, 0, 0, 0, 1, 0xFF, 0x03, 0x00, 0x21], tcp)));
        Assert.Equal((TunnelKind.Pptp, 7u), (pptp[0].Kind, pptp[0].Id));

        var gtp = Decode(LinkType.Raw, Ipv4(O4, P4, IpProtocol.Udp, Udp(2152, Gtp(0xDEADBEEF, tcp))));
        Assert.Equal(new TunnelLayer(TunnelKind.GtpU, 0xDEADBEEF, true, O4, P4, true), Assert.Single(gtp.ToArray()));

        var geneve = Decode(LinkType.Raw, Ipv4(O4, P4, IpProtocol.Udp, Udp(6081, Cat([0x00, 0x00, 0x08, 0x00, 0, 0x01, 0x02, 0], tcp))));
        Assert.Equal((TunnelKind.Geneve, 0x0102u), (geneve[0].Kind, geneve[0].Id));
    }

    [Fact]
    public void A_udp_packet_that_only_looks_like_a_tunnel_records_nothing()
    {
        // Port 2152 but not a G-PDU (message type 1, echo request): the UDP packet itself is the innermost.
        var echo = Ipv4(O4, P4, IpProtocol.Udp, Udp(2152, [0x32, 0x01, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0]));
        var trail = Decode(LinkType.Raw, echo, out int length);
        Assert.Equal(echo.Length, length);
        Assert.True(trail.IsEmpty);
    }

    [Fact]
    public void Nested_tunnels_record_each_with_its_own_outer_addresses()
    {
        // GTP-U inside VXLAN: the outer VTEPs, then the GTP endpoints of the inner Ethernet frame.
        var gtp = Ipv4(P4, Q4, IpProtocol.Udp, Udp(2152, Gtp(9, Tcp())));
        var trail = Decode(LinkType.Raw, Ipv4(O4, P4, IpProtocol.Udp, Udp(4789, Vxlan(5, Ether(0x0800, gtp)))));
        Assert.Equal([new TunnelLayer(TunnelKind.Vxlan, 5, true, O4, P4, true), new TunnelLayer(TunnelKind.GtpU, 9, true, P4, Q4, true)], trail.ToArray());
    }
}
