using SynAck.Wire;

namespace SynAck.Tests.Wire;

public sealed class IcmpTests
{
    private static readonly IpAddress V4A = IpAddress.Parse("192.0.2.1");
    private static readonly IpAddress V4B = IpAddress.Parse("192.0.2.2");
    private static readonly IpAddress V6A = IpAddress.Parse("2001:db8::1");
    private static readonly IpAddress V6B = IpAddress.Parse("2001:db8::2");

    private static byte[] TcpPacketBytes(IpAddress src, IpAddress dst, int payload)
    {
        var h = new TcpHeaderFields { SourcePort = 40001, DestinationPort = 22, Seq = new SeqNum(0xCAFEBABE), Flags = TcpFlags.Ack };
        var buf = new byte[100 + payload];
        int n = IpPacket.WriteTcp(buf, src, dst, h, new byte[payload]);
        return buf[..n];
    }

    [Fact]
    public void V4EchoRoundTrip()
    {
        var buf = new byte[64];
        int n = IcmpV4Packet.WriteEcho(buf, reply: true, 7, 9, [1, 2, 3]);
        Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(buf.AsSpan(0, n), out var icmp));
        Assert.Equal(IcmpV4Type.EchoReply, icmp.Type);
        Assert.Equal(0, icmp.Code);
        Assert.Equal(7, icmp.Identifier);
        Assert.Equal(9, icmp.SequenceNumber);
        Assert.Equal(0, icmp.Mtu);
        Assert.False(icmp.HasQuoted);
        Assert.Equal([1, 2, 3], icmp.Data.ToArray());
    }

    [Fact]
    public void V4UnreachableQuotesTheDatagramUpTo576Bytes()
    {
        var original = TcpPacketBytes(V4A, V4B, 100);
        var buf = new byte[1000];
        int n = IcmpV4Packet.WriteDestinationUnreachable(buf, IcmpV4Packet.CodePortUnreachable, original);
        Assert.Equal(8 + original.Length, n);
        var large = TcpPacketBytes(V4A, V4B, 900);
        Assert.Equal(576 - 20, IcmpV4Packet.WriteDestinationUnreachable(buf, IcmpV4Packet.CodePortUnreachable, large));
        Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(buf.AsSpan(0, n), out var icmp));
        Assert.True(icmp.IsError);
        Assert.Equal(IcmpV4Packet.CodePortUnreachable, icmp.Code);
        Assert.False(icmp.IsFragmentationNeeded);
        Assert.True(icmp.HasQuoted);
        Assert.Equal(V4A, icmp.Quoted.Source);
        Assert.Equal(V4B, icmp.Quoted.Destination);
        Assert.Equal(40001, icmp.Quoted.SourcePort);
        Assert.Equal(22, icmp.Quoted.DestinationPort);
        Assert.Equal(0xCAFEBABEu, icmp.Quoted.Seq.Value);
    }

    [Fact]
    public void V4QuoteTooShortForTheSequenceNumberStillGivesPorts()
    {
        var original = TcpPacketBytes(V4A, V4B, 0);
        var buf = new byte[100];
        int n = IcmpV4Packet.WriteFragmentationNeeded(buf, 576, original.AsSpan(0, 24));
        Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(buf.AsSpan(0, n), out var icmp));
        Assert.Equal(576, icmp.Mtu);
        Assert.True(icmp.Quoted.HasPorts);
        Assert.False(icmp.Quoted.HasSeq);

        n = IcmpV4Packet.WriteFragmentationNeeded(buf, 576, original.AsSpan(0, 10));
        Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(buf.AsSpan(0, n), out icmp));
        Assert.False(icmp.HasQuoted);
    }

    [Fact]
    public void V4BadChecksumAndTruncation()
    {
        var buf = new byte[16];
        int n = IcmpV4Packet.WriteEcho(buf, reply: false, 1, 1, [5, 5]);
        Assert.Equal(WireStatus.Truncated, IcmpV4Packet.TryParse(buf.AsSpan(0, 7), out _));
        buf[n - 1] ^= 0x80;
        Assert.Equal(WireStatus.BadChecksum, IcmpV4Packet.TryParse(buf.AsSpan(0, n), out _));
        Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(buf.AsSpan(0, n), out _, verifyChecksum: false));
    }

    [Fact]
    public void V6PacketTooBigQuotesAsMuchAsFitsInTheMinimumMtu()
    {
        var original = TcpPacketBytes(V6A, V6B, 1400);
        var buf = new byte[1500];
        int n = IcmpV6Packet.WritePacketTooBig(buf, V6B, V6A, 1280, original);
        Assert.Equal(1280 - 40, n);
        Assert.Equal(WireStatus.Ok, IcmpV6Packet.TryParse(buf.AsSpan(0, n), V6B, V6A, out var icmp));
        Assert.Equal(IcmpV6Type.PacketTooBig, icmp.Type);
        Assert.Equal(1280, icmp.Mtu);
        Assert.Equal(V6A, icmp.Quoted.Source);
        Assert.Equal(40001, icmp.Quoted.SourcePort);
        Assert.Equal(0xCAFEBABEu, icmp.Quoted.Seq.Value);
    }

    [Fact]
    public void V6QuoteWithExtensionHeadersFindsTheTcpPorts()
    {
        // Original: IPv6 + destination options (8 bytes) + TCP.
        var tcp = TcpPacketBytes(V6A, V6B, 0)[40..];
        var original = new byte[40 + 8 + tcp.Length];
        Ipv6Packet.WriteHeader(original, V6A, V6B, IpProtocol.DestinationOptions, 8 + tcp.Length);
        original[40] = (byte)IpProtocol.Tcp;
        tcp.CopyTo(original, 48);
        var buf = new byte[200];
        int n = IcmpV6Packet.WriteDestinationUnreachable(buf, V6B, V6A, IcmpV6Packet.CodePortUnreachable, original);
        Assert.Equal(WireStatus.Ok, IcmpV6Packet.TryParse(buf.AsSpan(0, n), V6B, V6A, out var icmp));
        Assert.True(icmp.IsError);
        Assert.Equal(0, icmp.Mtu);
        Assert.Equal(IpProtocol.Tcp, icmp.Quoted.Protocol);
        Assert.Equal(22, icmp.Quoted.DestinationPort);
        Assert.Equal(0xCAFEBABEu, icmp.Quoted.Seq.Value);
    }

    [Fact]
    public void V6ChecksumCoversThePseudoHeader()
    {
        var buf = new byte[64];
        int n = IcmpV6Packet.WriteEcho(buf, V6A, V6B, reply: true, 1, 2, [9]);
        Assert.Equal(WireStatus.Ok, IcmpV6Packet.TryParse(buf.AsSpan(0, n), V6A, V6B, out var icmp));
        Assert.Equal(IcmpV6Type.EchoReply, icmp.Type);
        Assert.False(icmp.IsError);
        Assert.Equal(WireStatus.BadChecksum, IcmpV6Packet.TryParse(buf.AsSpan(0, n), V6A, IpAddress.Parse("2001:db8::3"), out _));
        Assert.Equal(WireStatus.Truncated, IcmpV6Packet.TryParse(buf.AsSpan(0, 7), V6A, V6B, out _));
    }
}
