using System.Buffers.Binary;
using SynAck.Wire;

namespace SynAck.Tests.Wire;

public sealed class Ipv6PacketTests
{
    private static readonly IpAddress Src = IpAddress.Parse("2001:db8::a");
    private static readonly IpAddress Dst = IpAddress.Parse("2001:db8::b");

    /// <summary>
    /// An IPv6 packet whose extension headers are given as (type, length in bytes) pairs, ending in
    /// a TCP segment with a valid checksum.
    /// </summary>
    private static byte[] Chain(params (IpProtocol Type, int Length)[] headers)
    {
        int extLength = headers.Sum(h => h.Length);
        var buf = new byte[40 + extLength + 20];
        int offset = 40;
        for (int i = 0; i < headers.Length; i++)
        {
            var next = i + 1 < headers.Length ? headers[i + 1].Type : IpProtocol.Tcp;
            buf[offset] = (byte)next;
            buf[offset + 1] = headers[i].Type switch
            {
                IpProtocol.Ah => (byte)(headers[i].Length / 4 - 2),
                IpProtocol.Fragment => 0,
                _ => (byte)(headers[i].Length / 8 - 1),
            };
            offset += headers[i].Length;
        }
        TcpPacket.Write(buf.AsSpan(offset), new TcpHeaderFields { SourcePort = 1, DestinationPort = 2, Flags = TcpFlags.Syn }, [], Src, Dst);
        Ipv6Packet.WriteHeader(buf, Src, Dst, headers.Length > 0 ? headers[0].Type : IpProtocol.Tcp, buf.Length - 40);
        return buf;
    }

    [Fact]
    public void NoExtensionHeaders()
    {
        var buf = Chain();
        Assert.Equal(WireStatus.Ok, Ipv6Packet.TryParse(buf, out var ip));
        Assert.Equal(IpProtocol.Tcp, ip.NextHeader);
        Assert.Equal(40, ip.HeaderLength);
        Assert.Equal(20, ip.PayloadLength);
        Assert.Equal(64, ip.HopLimit);
        Assert.Equal(Src, ip.Source);
        Assert.Equal(Dst, ip.Destination);
    }

    [Fact]
    public void EveryExtensionHeaderKindIsWalked()
    {
        var buf = Chain((IpProtocol.HopByHop, 8), (IpProtocol.DestinationOptions, 16), (IpProtocol.Routing, 24),
            (IpProtocol.Fragment, 8), (IpProtocol.Ah, 24), (IpProtocol.DestinationOptions, 8));
        Assert.Equal(WireStatus.Ok, Ipv6Packet.TryParse(buf, out var ip));
        Assert.Equal(IpProtocol.Tcp, ip.NextHeader);
        Assert.Equal(40 + 88, ip.HeaderLength);
        Assert.False(ip.IsFragment); // offset 0 and M clear: an atomic fragment (RFC 6946)
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(buf, out var any));
        Assert.Equal(WireStatus.Ok, any.TryGetTcp(out var tcp));
        Assert.Equal(TcpFlags.Syn, tcp.Flags);
    }

    [Fact]
    public void HopByHopAfterAnotherHeaderIsRejected()
    {
        var buf = Chain((IpProtocol.DestinationOptions, 8), (IpProtocol.HopByHop, 8));
        Assert.Equal(WireStatus.BadExtensionHeader, Ipv6Packet.TryParse(buf, out _));
    }

    [Fact]
    public void ExtensionHeaderRunningPastThePacketIsRejected()
    {
        var buf = Chain((IpProtocol.DestinationOptions, 8));
        buf[41] = 10; // claims 88 bytes
        Assert.Equal(WireStatus.BadExtensionHeader, Ipv6Packet.TryParse(buf, out _));
    }

    [Fact]
    public void ExtensionHeaderCutShortIsRejected()
    {
        var buf = new byte[41];
        Ipv6Packet.WriteHeader(buf, Src, Dst, IpProtocol.Fragment, 1);
        Assert.Equal(WireStatus.BadExtensionHeader, Ipv6Packet.TryParse(buf, out _));
        Ipv6Packet.WriteHeader(buf, Src, Dst, IpProtocol.Routing, 1);
        Assert.Equal(WireStatus.BadExtensionHeader, Ipv6Packet.TryParse(buf, out _));
    }

    [Fact]
    public void NonZeroFragmentOffsetIsAFragment()
    {
        var buf = Chain((IpProtocol.Fragment, 8));
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(42), 185 << 3); // offset 1480 bytes, M clear
        BinaryPrimitives.WriteUInt32BigEndian(buf.AsSpan(44), 77);
        Assert.Equal(WireStatus.Fragment, Ipv6Packet.TryParse(buf, out var ip));
        Assert.True(ip.IsFragment);
        Assert.False(ip.MoreFragments);
        Assert.Equal(1480, ip.FragmentOffset);
        Assert.Equal(77u, ip.FragmentIdentification);
        Assert.Equal(48, ip.HeaderLength);
        Assert.Equal(WireStatus.Fragment, IpPacket.TryParse(buf, out var any));
        Assert.Equal(WireStatus.Fragment, any.TryGetTcp(out _));
    }

    [Fact]
    public void NoNextHeaderEndsTheChainWithAnEmptyPayload()
    {
        var buf = new byte[40];
        Ipv6Packet.WriteHeader(buf, Src, Dst, IpProtocol.NoNextHeader, 0);
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(buf, out var ip));
        Assert.Equal(IpProtocol.NoNextHeader, ip.Protocol);
        Assert.True(ip.Payload.IsEmpty);
        Assert.Equal(WireStatus.NotTcp, ip.TryGetTcp(out _));
    }

    [Fact]
    public void TruncatedAndWrongVersionAreRejected()
    {
        var buf = Chain();
        Assert.Equal(WireStatus.Truncated, Ipv6Packet.TryParse(buf.AsSpan(0, 39), out _));
        Assert.Equal(WireStatus.Truncated, Ipv6Packet.TryParse(buf.AsSpan(0, buf.Length - 1), out _));
        buf[0] = 0x40;
        Assert.Equal(WireStatus.BadVersion, Ipv6Packet.TryParse(buf, out _));
    }

    [Fact]
    public void TrafficClassAndFlowLabelAreRead()
    {
        var buf = Chain();
        BinaryPrimitives.WriteUInt32BigEndian(buf, 6u << 28 | 0xB8u << 20 | 0x12345);
        Assert.Equal(WireStatus.Ok, Ipv6Packet.TryParse(buf, out var ip));
        Assert.Equal(0xB8, ip.TrafficClass);
        Assert.Equal(0x12345u, ip.FlowLabel);
    }
}
