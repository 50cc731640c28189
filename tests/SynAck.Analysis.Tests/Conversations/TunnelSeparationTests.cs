using SynAck.Analysis.Conversations;
using SynAck.Capture;
using SynAck.Wire;
using static SynAck.Analysis.Tests.Conversations.TunnelCapture;

namespace SynAck.Analysis.Tests.Conversations;

/// <summary>
/// One inner 4-tuple (10.0.0.1:40000 ⇄ 10.0.0.2:80) in two tunnels is two connections, each with its tunnel recorded;
/// one flow whose two directions ride one tunnel (outer addresses swapped, ids perhaps chosen per direction) is one.
/// </summary>
public sealed class TunnelSeparationTests
{
    private static readonly IpAddress VtepA = IpAddress.V4(192, 0, 2, 1), VtepB = IpAddress.V4(192, 0, 2, 2);
    private static readonly IpAddress VtepC = IpAddress.V4(198, 51, 100, 1), VtepD = IpAddress.V4(198, 51, 100, 2);

    /// <summary>Asserts two complete handshakes (completeness 7, conn_state S1) and returns them in capture order.</summary>
    private static (TcpConnection First, TcpConnection Second) TwoConnections(TunnelCapture capture)
    {
        var connections = capture.Analyze().Connections.OrderBy(c => c.FirstFrame).ToList();
        Assert.Equal(2, connections.Count);
        Assert.All(connections, c =>
        {
            Assert.Equal(7, c.Completeness);
            Assert.Equal(2, c.OriginatorPackets);
            Assert.Equal(1, c.ResponderPackets);
            Assert.Equal(TunnelCapture.Client, c.Originator.Address);
            Assert.NotNull(c.Tunnel);
        });
        return (connections[0], connections[1]);
    }

    private static TunnelLayer Only(TcpConnection c) => Assert.Single(c.Tunnel!.Layers);

    [Fact]
    public void Two_vxlan_vnis_are_two_connections_each_with_its_vni_and_vteps()
    {
        var capture = new TunnelCapture()
            .Handshake(ip => Vxlan(VtepA, VtepB, 100, ip), ip => Vxlan(VtepB, VtepA, 100, ip))
            .Handshake(ip => Vxlan(VtepA, VtepB, 200, ip), ip => Vxlan(VtepB, VtepA, 200, ip));
        var (first, second) = TwoConnections(capture);
        Assert.Equal(new TunnelLayer(TunnelKind.Vxlan, 100, true, VtepA, VtepB, true), Only(first));
        Assert.Equal(new TunnelLayer(TunnelKind.Vxlan, 200, true, VtepA, VtepB, true), Only(second));
        Assert.NotEqual(first.Stream, second.Stream);
    }

    [Fact]
    public void Two_gtp_u_bearers_are_two_connections_though_each_direction_has_its_own_teid()
    {
        // 3GPP TS 29.281: each end picks the TEID it receives on, so uplink and downlink differ. The two bearers'
        // segments interleave (SYN 1, SYN 2, SYN-ACK 1, SYN-ACK 2, ACK 1, ACK 2) and even their ISNs are alike:
        // only the TEIDs tell them apart.
        Func<byte[], byte[]> up1 = ip => GtpU(VtepA, VtepB, 0x1001, ip), down1 = ip => GtpU(VtepB, VtepA, 0x2001, ip);
        Func<byte[], byte[]> up2 = ip => GtpU(VtepA, VtepB, 0x1002, ip), down2 = ip => GtpU(VtepB, VtepA, 0x2002, ip);
        var capture = new TunnelCapture()
            .Add(true, TcpFlags.Syn, 1000, 0, up1).Add(true, TcpFlags.Syn, 1000, 0, up2)
            .Add(false, TcpFlags.Syn | TcpFlags.Ack, 5000, 1001, down1).Add(false, TcpFlags.Syn | TcpFlags.Ack, 5000, 1001, down2)
            .Add(true, TcpFlags.Ack, 1001, 5001, up1).Add(true, TcpFlags.Ack, 1001, 5001, up2);
        var (first, second) = TwoConnections(capture);
        Assert.Equal(new TunnelLayer(TunnelKind.GtpU, 0x1001, true, VtepA, VtepB, true), Only(first));
        Assert.Equal(0x2001u, first.Tunnel!.ResponderId(0));
        Assert.Equal(new TunnelLayer(TunnelKind.GtpU, 0x1002, true, VtepA, VtepB, true), Only(second));
        Assert.Equal(0x2002u, second.Tunnel!.ResponderId(0));
        // Each connection's sequence numbers are its own: no retransmission or out-of-order verdicts from the other.
        Assert.All(new[] { first, second }, c => Assert.Equal(0, c.Expert.Total));
    }

    [Fact]
    public void Two_ip_in_ip_or_gre_outer_address_pairs_are_two_connections()
    {
        var ipip = new TunnelCapture()
            .Handshake(ip => IpInIp(VtepA, VtepB, ip), ip => IpInIp(VtepB, VtepA, ip))
            .Handshake(ip => IpInIp(VtepC, VtepD, ip), ip => IpInIp(VtepD, VtepC, ip));
        var (a, b) = TwoConnections(ipip);
        Assert.Equal(new TunnelLayer(TunnelKind.IpInIp, 0, false, VtepA, VtepB, true), Only(a));
        Assert.Equal(new TunnelLayer(TunnelKind.IpInIp, 0, false, VtepC, VtepD, true), Only(b));

        var gre = new TunnelCapture()
            .Handshake(ip => Gre(VtepA, VtepB, 7, ip), ip => Gre(VtepB, VtepA, 7, ip))
            .Handshake(ip => Gre(VtepC, VtepD, 7, ip), ip => Gre(VtepD, VtepC, 7, ip));
        var (c, d) = TwoConnections(gre);
        Assert.Equal(new TunnelLayer(TunnelKind.Gre, 7, true, VtepA, VtepB, true), Only(c));
        Assert.Equal(new TunnelLayer(TunnelKind.Gre, 7, true, VtepC, VtepD, true), Only(d));
    }

    [Fact]
    public void Two_mpls_label_paths_are_two_connections_with_labels_per_direction()
    {
        // Labels are chosen downstream, so the two directions of one LSP pair carry different ones.
        var capture = new TunnelCapture()
            .Handshake(ip => Mpls(100, ip), ip => Mpls(101, ip))
            .Handshake(ip => Mpls(200, ip), ip => Mpls(201, ip));
        var (first, second) = TwoConnections(capture);
        Assert.Equal((TunnelKind.Mpls, 100u, 101u), (Only(first).Kind, Only(first).Id, first.Tunnel!.ResponderId(0)!.Value));
        Assert.Equal((TunnelKind.Mpls, 200u, 201u), (Only(second).Kind, Only(second).Id, second.Tunnel!.ResponderId(0)!.Value));
    }

    [Fact]
    public void A_flow_labelled_one_way_only_is_one_connection_with_both_directions_recorded()
    {
        // Penultimate hop popping: on the last link the label is gone one way and still there the other.
        var c = Assert.Single(new TunnelCapture().Handshake(ip => Mpls(100, ip), Plain).Analyze().Connections);
        Assert.Equal(7, c.Completeness);
        Assert.True(c.Tunnel!.DirectionsDiffer);
        Assert.Empty(c.Tunnel.ResponderLayers!);
        Assert.Equal("mpls 100; responder: none", c.Tunnel.Describe());
    }

    [Fact]
    public void A_flow_routed_between_two_vlans_is_seen_as_one_connection_per_vlan()
    {
        // A router on a stick: each segment is captured on its way in (one VLAN) and on its way out (the other).
        Func<byte[], byte[]> v10 = ip => Vlan(10, ip), v20 = ip => Vlan(20, ip);
        var capture = new TunnelCapture()
            .Add(true, TcpFlags.Syn, 1000, 0, v10).Add(true, TcpFlags.Syn, 1000, 0, v20)
            .Add(false, TcpFlags.Syn | TcpFlags.Ack, 5000, 1001, v20).Add(false, TcpFlags.Syn | TcpFlags.Ack, 5000, 1001, v10)
            .Add(true, TcpFlags.Ack, 1001, 5001, v10).Add(true, TcpFlags.Ack, 1001, 5001, v20);
        var (first, second) = TwoConnections(capture);
        Assert.Equal(new TunnelLayer(TunnelKind.Vlan, 10, true, default, default, false), Only(first));
        Assert.Null(first.Tunnel!.ResponderId(0));
        Assert.Equal(new TunnelLayer(TunnelKind.Vlan, 20, true, default, default, false), Only(second));
        Assert.All(new[] { first, second }, c => Assert.Equal(0, c.Expert.Total));
    }

    [Fact]
    public void One_flow_whose_directions_ride_the_tunnel_with_swapped_outer_addresses_is_one_connection()
    {
        var connections = new TunnelCapture()
            .Handshake(ip => Vxlan(VtepA, VtepB, 100, ip), ip => Vxlan(VtepB, VtepA, 100, ip))
            .Add(true, TcpFlags.Fin | TcpFlags.Ack, 1001, 5001, ip => Vxlan(VtepA, VtepB, 100, ip))
            .Add(false, TcpFlags.Fin | TcpFlags.Ack, 5001, 1002, ip => Vxlan(VtepB, VtepA, 100, ip))
            .Add(true, TcpFlags.Ack, 1002, 5002, ip => Vxlan(VtepA, VtepB, 100, ip))
            .Analyze().Connections;
        var c = Assert.Single(connections);
        Assert.Equal("SF", c.ConnState);
        Assert.Equal(ConnectionEndKind.Fin, c.EndKind);
        // Oriented from the originator: its end of the tunnel is the outer source.
        Assert.Equal(new TunnelLayer(TunnelKind.Vxlan, 100, true, VtepA, VtepB, true), Only(c));
        Assert.Equal(VtepB, c.Tunnel!.ResponderLayers![0].OuterSource);
        Assert.Equal("vxlan 100 192.0.2.1→192.0.2.2", c.Tunnel.Describe());
    }

    [Fact]
    public void A_connection_that_began_with_the_responders_packet_is_oriented_from_the_originator()
    {
        // The capture starts with the server's SYN-ACK (Zeek flips it: the client is still the originator).
        var c = Assert.Single(new TunnelCapture()
            .Add(false, TcpFlags.Syn | TcpFlags.Ack, 5000, 1001, ip => GtpU(VtepB, VtepA, 0x2001, ip))
            .Add(true, TcpFlags.Ack, 1001, 5001, ip => GtpU(VtepA, VtepB, 0x1001, ip))
            .Analyze().Connections);
        Assert.Equal(TunnelCapture.Client, c.Originator.Address);
        Assert.Equal(new TunnelLayer(TunnelKind.GtpU, 0x1001, true, VtepA, VtepB, true), Only(c));
        Assert.Equal(0x2001u, c.Tunnel!.ResponderId(0));
    }

    [Fact]
    public void A_plain_connection_has_no_tunnel_and_is_apart_from_the_same_tuple_in_a_tunnel()
    {
        var connections = new TunnelCapture()
            .Handshake(Plain, Plain)
            .Handshake(ip => IpInIp(VtepA, VtepB, ip), ip => IpInIp(VtepB, VtepA, ip))
            .Analyze().Connections.OrderBy(c => c.FirstFrame).ToList();
        Assert.Equal(2, connections.Count);
        Assert.Null(connections[0].Tunnel);
        Assert.Equal(TunnelKind.IpInIp, Only(connections[1]).Kind);
    }
}
