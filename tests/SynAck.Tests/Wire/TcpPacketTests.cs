using System.Buffers.Binary;
using SynAck.Wire;

namespace SynAck.Tests.Wire;

public sealed class TcpPacketTests
{
    private static readonly IpAddress Src = IpAddress.Parse("10.0.0.1");
    private static readonly IpAddress Dst = IpAddress.Parse("10.0.0.2");

    internal static TcpHeaderFields SynWithAllOptions()
    {
        var h = new TcpHeaderFields
        {
            SourcePort = 40000,
            DestinationPort = 80,
            Seq = new SeqNum(0xFFFF_FFF0),
            Ack = new SeqNum(0),
            Flags = TcpFlags.Syn,
            Window = 64240,
        };
        h.Options.HasMss = true;
        h.Options.Mss = 1460;
        h.Options.SackPermitted = true;
        h.Options.HasTimestamps = true;
        h.Options.TsVal = 123456;
        h.Options.TsEcr = 0;
        h.Options.HasWindowScale = true;
        h.Options.WindowScale = 7;
        return h;
    }

    [Fact]
    public void LinuxSynLayoutIsTwentyOptionBytes()
    {
        var h = SynWithAllOptions();
        Assert.Equal(20, h.Options.EncodedLength);
        Span<byte> buf = stackalloc byte[60];
        int n = TcpPacket.Write(buf, h, [], Src, Dst);
        Assert.Equal(40, n);
        // MSS, SACK_PERM, TS, NOP, WS — the order Linux's tcp_options_write uses on a SYN.
        byte[] expected = [2, 4, 0x05, 0xB4, 4, 2, 8, 10, 0, 1, 0xE2, 0x40, 0, 0, 0, 0, 1, 3, 3, 7];
        Assert.Equal(expected, buf[20..40].ToArray());
    }

    [Fact]
    public void WriteThenParseGivesTheSameFieldsAndPayload()
    {
        var h = SynWithAllOptions();
        h.Flags = TcpFlags.Ack | TcpFlags.Psh;
        h.Options = default;
        h.Options.HasTimestamps = true;
        h.Options.TsVal = 1;
        h.Options.TsEcr = 2;
        h.Options.AddSackBlock(new SackBlock(new SeqNum(100), new SeqNum(200)));
        h.Options.AddSackBlock(new SackBlock(new SeqNum(0xFFFF_FF00), new SeqNum(50)));
        byte[] payload = [1, 2, 3, 4, 5];
        var buf = new byte[100];
        int n = TcpPacket.Write(buf, h, payload, Src, Dst);

        Assert.Equal(WireStatus.Ok, TcpPacket.TryParse(buf.AsSpan(0, n), Src, Dst, out var p));
        Assert.Equal(h, p.Fields);
        Assert.Equal(payload, p.Payload.ToArray());
        Assert.Equal(5, p.SegmentLength);
        Assert.Equal(20 + 12 + 4 + 16, p.HeaderLength);
    }

    [Fact]
    public void SynAndFinCountInSegmentLength()
    {
        var h = SynWithAllOptions();
        h.Flags = TcpFlags.Syn | TcpFlags.Fin;
        var buf = new byte[100];
        int n = TcpPacket.Write(buf, h, [9], Src, Dst);
        Assert.Equal(WireStatus.Ok, TcpPacket.TryParse(buf.AsSpan(0, n), Src, Dst, out var p));
        Assert.Equal(3, p.SegmentLength);
    }

    [Fact]
    public void AFlippedBitFailsTheChecksumUnlessVerificationIsOff()
    {
        var buf = new byte[100];
        int n = TcpPacket.Write(buf, SynWithAllOptions(), [7, 7], Src, Dst);
        buf[n - 1] ^= 0x10;
        Assert.Equal(WireStatus.BadChecksum, TcpPacket.TryParse(buf.AsSpan(0, n), Src, Dst, out _));
        Assert.Equal(WireStatus.Ok, TcpPacket.TryParse(buf.AsSpan(0, n), Src, Dst, out _, verifyChecksum: false));
    }

    [Fact]
    public void TheWrongPseudoHeaderFailsTheChecksum()
    {
        var buf = new byte[100];
        int n = TcpPacket.Write(buf, SynWithAllOptions(), [], Src, Dst);
        Assert.Equal(WireStatus.BadChecksum, TcpPacket.TryParse(buf.AsSpan(0, n), Src, IpAddress.Parse("10.0.0.3"), out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void DataOffsetBelowFiveIsRejected(int dataOffset)
    {
        var buf = new byte[40];
        int n = TcpPacket.Write(buf, new TcpHeaderFields { SourcePort = 1, DestinationPort = 2 }, [], Src, Dst);
        buf[12] = (byte)(dataOffset << 4);
        Assert.Equal(WireStatus.BadDataOffset, TcpPacket.TryParse(buf.AsSpan(0, n), Src, Dst, out _, verifyChecksum: false));
    }

    [Fact]
    public void DataOffsetBeyondTheSegmentIsRejected()
    {
        var buf = new byte[40];
        int n = TcpPacket.Write(buf, new TcpHeaderFields { SourcePort = 1, DestinationPort = 2 }, [], Src, Dst);
        buf[12] = 6 << 4;
        Assert.Equal(WireStatus.BadDataOffset, TcpPacket.TryParse(buf.AsSpan(0, n), Src, Dst, out _, verifyChecksum: false));
    }

    [Fact]
    public void ShortBufferIsTruncated()
    {
        Assert.Equal(WireStatus.Truncated, TcpPacket.TryParse(new byte[19], Src, Dst, out _));
        Assert.Equal(WireStatus.Truncated, TcpPacket.TryParse([], Src, Dst, out _));
    }

    [Fact]
    public void WriterRefusesOptionsThatDoNotFit()
    {
        var h = SynWithAllOptions();
        for (int i = 0; i < 4; i++)
            h.Options.AddSackBlock(new SackBlock(new SeqNum((uint)i), new SeqNum((uint)i + 1)));
        var buf = new byte[200];
        Assert.Throws<ArgumentException>(() => TcpPacket.Write(buf, h, [], Src, Dst));
    }

    [Fact]
    public void ChecksumFieldIsTheStoredValue()
    {
        var buf = new byte[60];
        int n = TcpPacket.Write(buf, SynWithAllOptions(), [], Src, Dst);
        Assert.Equal(WireStatus.Ok, TcpPacket.TryParse(buf.AsSpan(0, n), Src, Dst, out var p));
        Assert.Equal(BinaryPrimitives.ReadUInt16BigEndian(buf.AsSpan(16)), p.Checksum);
    }
}
