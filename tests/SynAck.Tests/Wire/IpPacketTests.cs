using SynAck.Wire;

namespace SynAck.Tests.Wire;

public sealed class IpPacketTests
{
    [Fact]
    public void WriteTcpV4ParsesBackThroughIpAndTcp()
    {
        var src = IpAddress.Parse("198.18.0.1");
        var dst = IpAddress.Parse("198.18.0.2");
        var h = TcpPacketTests.SynWithAllOptions();
        var buf = new byte[200];
        int n = IpPacket.WriteTcp(buf, src, dst, h, [1, 2, 3], ttl: 17, identification: 0x1234);
        Assert.Equal(20 + 40 + 3, n);

        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(buf.AsSpan(0, n), out var ip));
        Assert.Equal(4, ip.Version);
        Assert.Equal(src, ip.Source);
        Assert.Equal(dst, ip.Destination);
        Assert.Equal(IpProtocol.Tcp, ip.Protocol);
        Assert.Equal(17, ip.Ttl);
        Assert.False(ip.IsFragment);
        Assert.Equal(n, ip.TotalLength);
        Assert.Equal(WireStatus.Ok, ip.TryGetTcp(out var tcp));
        Assert.Equal(h, tcp.Fields);
        Assert.Equal([1, 2, 3], tcp.Payload.ToArray());

        Assert.Equal(WireStatus.Ok, Ipv4Packet.TryParse(buf.AsSpan(0, n), out var v4));
        Assert.Equal(0x1234, v4.Identification);
        Assert.True(v4.DontFragment);
        Assert.Equal(n, IpPacket.TcpPacketLength(src, h.Options, 3));
    }

    [Fact]
    public void WriteTcpV6ParsesBackThroughIpAndTcp()
    {
        var src = IpAddress.Parse("fd00::1");
        var dst = IpAddress.Parse("fd00::2");
        var h = TcpPacketTests.SynWithAllOptions();
        var buf = new byte[200];
        int n = IpPacket.WriteTcp(buf, src, dst, h, [4, 5], ttl: 9);
        Assert.Equal(40 + 40 + 2, n);
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(buf.AsSpan(0, n), out var ip));
        Assert.Equal(6, ip.Version);
        Assert.Equal(src, ip.Source);
        Assert.Equal(dst, ip.Destination);
        Assert.Equal(9, ip.Ttl);
        Assert.Equal(WireStatus.Ok, ip.TryGetTcp(out var tcp));
        Assert.Equal(h, tcp.Fields);
        Assert.Equal(n, IpPacket.TcpPacketLength(src, h.Options, 2));
    }

    [Fact]
    public void UnknownVersionAndEmptyInputAreRejected()
    {
        Assert.Equal(WireStatus.Truncated, IpPacket.TryParse([], out _));
        Assert.Equal(WireStatus.BadVersion, IpPacket.TryParse(new byte[60] { 0x55, 0, 0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, out _));
    }

    [Fact]
    public void NonTcpPayloadIsNotTcp()
    {
        var buf = new byte[28];
        Ipv4Packet.WriteHeader(buf, new Ipv4HeaderFields
        {
            Source = IpAddress.Parse("10.0.0.1"),
            Destination = IpAddress.Parse("10.0.0.2"),
            Protocol = IpProtocol.Udp,
        }, 8);
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(buf, out var ip));
        Assert.Equal(64, ip.Ttl);
        Assert.Equal(WireStatus.NotTcp, ip.TryGetTcp(out _));
    }
}
