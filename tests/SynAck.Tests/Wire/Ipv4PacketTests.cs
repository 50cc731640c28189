using System.Buffers.Binary;
using SynAck.Wire;

namespace SynAck.Tests.Wire;

public sealed class Ipv4PacketTests
{
    private static readonly IpAddress Src = IpAddress.Parse("192.0.2.1");
    private static readonly IpAddress Dst = IpAddress.Parse("192.0.2.2");

    /// <summary>An IPv4 packet with <paramref name="optionWords"/> 4-byte option words and a TCP segment.</summary>
    private static byte[] Packet(int optionWords = 0, byte[]? payload = null)
    {
        var h = new TcpHeaderFields { SourcePort = 5, DestinationPort = 6, Seq = new SeqNum(9), Flags = TcpFlags.Ack, Window = 100 };
        payload ??= [];
        int ihl = 20 + optionWords * 4;
        var buf = new byte[ihl + 20 + payload.Length];
        int tcp = TcpPacket.Write(buf.AsSpan(ihl), h, payload, Src, Dst);
        Ipv4Packet.WriteHeader(buf, new Ipv4HeaderFields { Source = Src, Destination = Dst, Protocol = IpProtocol.Tcp }, tcp);
        if (optionWords > 0)
        {
            // Move the fixed header fields into place and insert NOP options (RFC 791 type 1).
            buf[0] = (byte)(0x40 | ihl / 4);
            buf.AsSpan(20, optionWords * 4).Fill(1);
            BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(2), (ushort)buf.Length);
            Refresh(buf);
        }
        return buf;
    }

    private static void Refresh(byte[] buf)
    {
        int ihl = Math.Max(20, (buf[0] & 0x0F) * 4);
        buf[10] = 0;
        buf[11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(10), Checksum.Compute(buf.AsSpan(0, Math.Min(ihl, buf.Length))));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void OptionsAreSkipped(int words)
    {
        var buf = Packet(words, [0xAA, 0xBB]);
        Assert.Equal(WireStatus.Ok, Ipv4Packet.TryParse(buf, out var ip));
        Assert.Equal(20 + words * 4, ip.HeaderLength);
        Assert.Equal(words * 4, ip.Options.Length);
        Assert.Equal(WireStatus.Ok, TcpPacket.TryParse(ip.Payload, ip.Source, ip.Destination, out var tcp));
        Assert.Equal(9u, tcp.Seq.Value);
        Assert.Equal([0xAA, 0xBB], tcp.Payload.ToArray());
    }

    [Fact]
    public void LinkLayerPaddingPastTotalLengthIsIgnored()
    {
        var buf = Packet();
        var padded = new byte[buf.Length + 6];
        buf.CopyTo(padded, 0);
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(padded, out var ip));
        Assert.Equal(buf.Length, ip.TotalLength);
        Assert.Equal(WireStatus.Ok, ip.TryGetTcp(out _));
    }

    [Fact]
    public void WrongVersionIsRejected()
    {
        var buf = Packet();
        buf[0] = 0x65;
        Assert.Equal(WireStatus.BadVersion, Ipv4Packet.TryParse(buf, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void IhlBelowFiveIsABadHeaderLength(int ihl)
    {
        var buf = Packet();
        buf[0] = (byte)(0x40 | ihl);
        Refresh(buf);
        Assert.Equal(WireStatus.BadHeaderLength, Ipv4Packet.TryParse(buf, out _));
    }

    [Fact]
    public void IhlPastTheTotalLengthIsABadHeaderLength()
    {
        var buf = Packet();
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(2), 24);
        buf[0] = 0x47;
        Refresh(buf);
        Assert.Equal(WireStatus.BadHeaderLength, Ipv4Packet.TryParse(buf, out _));
    }

    [Fact]
    public void TotalLengthBelowTwentyIsABadTotalLength()
    {
        var buf = Packet();
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(2), 19);
        Refresh(buf);
        Assert.Equal(WireStatus.BadTotalLength, Ipv4Packet.TryParse(buf, out _));
    }

    [Fact]
    public void TotalLengthPastTheBufferIsTruncated()
    {
        var buf = Packet();
        Assert.Equal(WireStatus.Truncated, Ipv4Packet.TryParse(buf.AsSpan(0, buf.Length - 1), out _));
        Assert.Equal(WireStatus.Truncated, Ipv4Packet.TryParse(buf.AsSpan(0, 19), out _));
    }

    [Fact]
    public void BadHeaderChecksumIsRejected()
    {
        var buf = Packet();
        buf[8] ^= 1; // TTL changed without fixing the checksum
        Assert.Equal(WireStatus.BadChecksum, Ipv4Packet.TryParse(buf, out _));
    }

    [Fact]
    public void TtlRewriteWithIncrementalUpdateStillVerifies()
    {
        var buf = Packet();
        ushort oldWord = BinaryPrimitives.ReadUInt16BigEndian(buf.AsSpan(8));
        buf[8]--; // a router decrementing TTL
        ushort newWord = BinaryPrimitives.ReadUInt16BigEndian(buf.AsSpan(8));
        ushort check = Checksum.Update(BinaryPrimitives.ReadUInt16BigEndian(buf.AsSpan(10)), oldWord, newWord);
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(10), check);
        Assert.Equal(WireStatus.Ok, Ipv4Packet.TryParse(buf, out var ip));
        Assert.Equal(63, ip.Ttl);
    }

    [Theory]
    [InlineData(0x20, 0x00, true, 0)]     // MF, offset 0: first fragment
    [InlineData(0x20, 0x10, true, 128)]   // MF, offset 16 units: middle fragment
    [InlineData(0x00, 0x10, false, 128)]  // offset only: last fragment
    public void FragmentsAreFlagged(byte flagsHigh, byte offsetLow, bool more, int offset)
    {
        var buf = Packet(0, new byte[40]);
        buf[6] = flagsHigh;
        buf[7] = offsetLow;
        Refresh(buf);
        Assert.Equal(WireStatus.Fragment, Ipv4Packet.TryParse(buf, out var ip));
        Assert.True(ip.IsFragment);
        Assert.Equal(more, ip.MoreFragments);
        Assert.Equal(offset, ip.FragmentOffset);
        Assert.Equal(WireStatus.Fragment, IpPacket.TryParse(buf, out var any));
        Assert.Equal(WireStatus.Fragment, any.TryGetTcp(out _));
    }

    [Fact]
    public void DfAloneIsNotAFragment()
    {
        var buf = Packet();
        buf[6] = 0x40;
        Refresh(buf);
        Assert.Equal(WireStatus.Ok, Ipv4Packet.TryParse(buf, out var ip));
        Assert.True(ip.DontFragment);
        Assert.False(ip.IsFragment);
    }

    [Fact]
    public void WriteHeaderDefaultsTtlTo64AndWritesEveryField()
    {
        var buf = new byte[20];
        Ipv4Packet.WriteHeader(buf, new Ipv4HeaderFields
        {
            Source = Src,
            Destination = Dst,
            Protocol = IpProtocol.Udp,
            Identification = 0xBEEF,
            Tos = 0x10,
            DontFragment = true,
        }, 0);
        Assert.Equal(WireStatus.Ok, Ipv4Packet.TryParse(buf, out var ip));
        Assert.Equal(64, ip.Ttl);
        Assert.Equal(0xBEEF, ip.Identification);
        Assert.Equal(0x10, ip.Tos);
        Assert.Equal(IpProtocol.Udp, ip.Protocol);
        Assert.True(ip.DontFragment);
        Assert.Equal(20, ip.TotalLength);
        Assert.Equal(buf, ip.Header.ToArray());
    }
}
