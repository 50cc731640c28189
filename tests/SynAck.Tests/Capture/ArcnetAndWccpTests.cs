using SynAck.Capture;
using SynAck.Wire;

namespace SynAck.Tests.Capture;

/// <summary>ARCNET link types (BSD and Linux layouts, RFC 1051 and RFC 1201 encapsulations) and GRE carrying WCCP redirection.</summary>
public sealed class ArcnetAndWccpTests
{
    private static byte[] Tcp()
    {
        var buffer = new byte[200];
        var h = new TcpHeaderFields { SourcePort = 40000, DestinationPort = 80, Seq = new SeqNum(1), Flags = TcpFlags.Syn, Window = 1000 };
        int n = IpPacket.WriteTcp(buffer, IpAddress.V4(10, 0, 0, 1), IpAddress.V4(10, 0, 0, 2), h, []);
        return buffer[..n];
    }

    private static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static void AssertInner(byte[] expected, LinkType type, byte[] frame)
    {
        Assert.Equal(LinkDecodeStatus.Ip, LinkLayer.Decode(type, frame, out var ip));
        Assert.Equal(expected, ip.ToArray());
    }

    [Fact]
    public void Arcnet_carries_ip_in_both_encapsulations_and_both_layouts()
    {
        var tcp = Tcp();
        // Linux: source, destination, two offset bytes, protocol ID.
        AssertInner(tcp, LinkType.ArcnetLinux, Cat([0xBE, 0x50, 0xAB, 0x08, 240], tcp));
        AssertInner(tcp, LinkType.ArcnetLinux, Cat([0xBE, 0x50, 0xA8, 0xE7, 212, 0x00, 0x01, 0x66], tcp));
        // RFC 1201 exception packet: flag 0xFF and four filler bytes before the real split flag and sequence number.
        AssertInner(tcp, LinkType.ArcnetLinux, Cat([0xBE, 0x50, 0xA8, 0xE7, 212, 0xFF, 0xFF, 0xFF, 212, 0x00, 0x01, 0x66], tcp));
        // BSD: no offset bytes.
        AssertInner(tcp, LinkType.ArcnetBsd, Cat([0xBE, 0x50, 240], tcp));
        AssertInner(tcp, LinkType.ArcnetBsd, Cat([0xBE, 0x50, 212, 0x00, 0x01, 0x66], tcp));
        // ARP (RFC 1051's 241) is not IP.
        Assert.Equal(LinkDecodeStatus.NotIp, LinkLayer.Decode(LinkType.ArcnetLinux, [0xBE, 0x00, 0xED, 0x08, 241, 0x00, 0x07], out _));
    }

    [Fact]
    public void Gre_with_wccp_redirection_carries_ipv4_after_the_v2_redirect_header_or_at_once()
    {
        var tcp = Tcp();
        var outer = new byte[20];
        var fields = new Ipv4HeaderFields { Source = IpAddress.V4(192, 0, 2, 1), Destination = IpAddress.V4(192, 0, 2, 2), Protocol = (IpProtocol)47, Ttl = 64 };
        var v2 = Cat([0x00, 0x00, 0x88, 0x3E], [0x00, 0x00, 0x00, 0x00], tcp);
        Ipv4Packet.WriteHeader(outer, fields, v2.Length);
        AssertInner(tcp, LinkType.Raw, Cat(outer, v2));
        var v1 = Cat([0x00, 0x00, 0x88, 0x3E], tcp);
        Ipv4Packet.WriteHeader(outer, fields, v1.Length);
        AssertInner(tcp, LinkType.Raw, Cat(outer, v1));
    }
}
