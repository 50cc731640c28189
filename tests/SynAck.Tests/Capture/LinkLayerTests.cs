using SynAck.Capture;

namespace SynAck.Tests.Capture;

public sealed class LinkLayerTests
{
    private static readonly byte[] V4 = [0x45, 0x00, 0x00, 0x14, 1, 2, 3, 4];
    private static readonly byte[] V6 = [0x60, 0x00, 0x00, 0x00, 9, 8, 7, 6];
    private static readonly byte[] Macs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

    private static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Strip(LinkType type, byte[] frame)
    {
        Assert.True(LinkLayer.TryGetIpPacket(type, frame, out var ip), $"{type} frame should hold an IP packet");
        return ip.ToArray();
    }

    [Theory]
    [InlineData(LinkType.Raw)]
    [InlineData(LinkType.Ipv4)]
    public void RawAndIpv4FramesAreThePacket(LinkType type) => Assert.Equal(V4, Strip(type, V4));

    [Fact]
    public void RawAcceptsIpv6AndIpv6TypeAcceptsOnlyIpv6()
    {
        Assert.Equal(V6, Strip(LinkType.Raw, V6));
        Assert.Equal(V6, Strip(LinkType.Ipv6, V6));
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.Ipv6, V4, out _));
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.Ipv4, V6, out _));
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.Raw, [0x50, 0, 0, 0], out _));
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.Raw, [], out _));
    }

    [Fact]
    public void EthernetCarriesIpv4AndIpv6()
    {
        Assert.Equal(V4, Strip(LinkType.Ethernet, Cat(Macs, [0x08, 0x00], V4)));
        Assert.Equal(V6, Strip(LinkType.Ethernet, Cat(Macs, [0x86, 0xDD], V6)));
    }

    [Fact]
    public void EthernetVlanTagsAreSkipped()
    {
        Assert.Equal(V4, Strip(LinkType.Ethernet, Cat(Macs, [0x81, 0x00, 0x00, 0x2A, 0x08, 0x00], V4)));
        // QinQ: an 802.1ad service tag, then an 802.1Q customer tag.
        Assert.Equal(V6, Strip(LinkType.Ethernet, Cat(Macs, [0x88, 0xA8, 0x00, 0x64, 0x81, 0x00, 0x00, 0x2A, 0x86, 0xDD], V6)));
        Assert.Equal(V4, Strip(LinkType.Ethernet, Cat(Macs, [0x91, 0x00, 0x00, 0x01, 0x81, 0x00, 0x00, 0x02, 0x08, 0x00], V4)));
    }

    [Fact]
    public void EthernetWithOtherProtocolsOrTooShortIsDeclined()
    {
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.Ethernet, Cat(Macs, [0x08, 0x06], new byte[28]), out _)); // ARP
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.Ethernet, Cat(Macs, [0x08]), out _));
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.Ethernet, Cat(Macs, [0x08, 0x00]), out _));
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.Ethernet, Cat(Macs, [0x81, 0x00, 0x00]), out _));
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.Ethernet, Cat(Macs, [0x08, 0x00], V6), out _)); // says v4, holds v6
        var manyTags = Cat(Macs, Enumerable.Repeat(new byte[] { 0x81, 0x00, 0, 1 }, 20).SelectMany(t => t).ToArray(), [0x08, 0x00], V4);
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.Ethernet, manyTags, out _));
    }

    [Fact]
    public void LinuxCookedV1()
    {
        // Packet type 4 (outgoing), ARPHRD_LOOPBACK 772, address length 6, address padded to 8, protocol.
        byte[] sll = [0, 4, 0x03, 0x04, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.Equal(V4, Strip(LinkType.LinuxSll, Cat(sll, [0x08, 0x00], V4)));
        Assert.Equal(V6, Strip(LinkType.LinuxSll, Cat(sll, [0x86, 0xDD], V6)));
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.LinuxSll, Cat(sll, [0x08, 0x06], V4), out _));
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.LinuxSll, sll, out _));
    }

    [Fact]
    public void LinuxCookedV2()
    {
        // Protocol, reserved, interface index, ARPHRD, packet type, address length, 8 address bytes.
        byte[] rest = [0, 0, 0, 0, 0, 1, 0x03, 0x04, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0];
        Assert.Equal(V4, Strip(LinkType.LinuxSll2, Cat([0x08, 0x00], rest, V4)));
        Assert.Equal(V6, Strip(LinkType.LinuxSll2, Cat([0x86, 0xDD], rest, V6)));
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.LinuxSll2, Cat([0x08, 0x00], rest), out _));
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.LinuxSll2, Cat([0x08, 0x06], rest, V4), out _));
    }

    [Theory]
    [InlineData(LinkType.Null, new byte[] { 2, 0, 0, 0 }, 4)]     // little-endian host
    [InlineData(LinkType.Null, new byte[] { 0, 0, 0, 2 }, 4)]     // big-endian host
    [InlineData(LinkType.Loop, new byte[] { 0, 0, 0, 2 }, 4)]     // network order
    [InlineData(LinkType.Loop, new byte[] { 2, 0, 0, 0 }, 4)]     // written in the wrong order
    [InlineData(LinkType.Null, new byte[] { 24, 0, 0, 0 }, 6)]    // NetBSD/OpenBSD AF_INET6
    [InlineData(LinkType.Null, new byte[] { 28, 0, 0, 0 }, 6)]    // FreeBSD
    [InlineData(LinkType.Null, new byte[] { 30, 0, 0, 0 }, 6)]    // macOS
    [InlineData(LinkType.Loop, new byte[] { 0, 0, 0, 30 }, 6)]
    [InlineData(LinkType.Loop, new byte[] { 0, 0, 0, 24 }, 6)]
    public void NullAndLoopFamilies(LinkType type, byte[] family, int version)
    {
        var packet = version == 4 ? V4 : V6;
        Assert.Equal(packet, Strip(type, Cat(family, packet)));
    }

    [Fact]
    public void NullAndLoopDeclineOtherFamiliesAndShortFrames()
    {
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.Null, Cat([7, 0, 0, 0], V4), out _));
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.Null, [2, 0, 0], out _));
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.Loop, [0, 0, 0, 2], out _));
        Assert.False(LinkLayer.TryGetIpPacket(LinkType.Null, Cat([2, 0, 0, 0], V6), out _));
    }

    [Fact]
    public void UnknownLinkTypeIsDeclined()
        => Assert.False(LinkLayer.TryGetIpPacket((LinkType)147, V4, out _));
}
