using System.Buffers.Binary;
using SynAck.Wire;

namespace SynAck.Tests.Wire;

public sealed class TcpOptionsTests
{
    private static readonly IpAddress Src = IpAddress.Parse("10.0.0.1");
    private static readonly IpAddress Dst = IpAddress.Parse("10.0.0.2");

    /// <summary>A TCP segment with these exact option bytes (padded to 4 with zeros) and a valid checksum.</summary>
    private static byte[] Segment(params byte[] options)
    {
        int optionLength = (options.Length + 3) & ~3;
        var seg = new byte[20 + optionLength];
        BinaryPrimitives.WriteUInt16BigEndian(seg, 1234);
        BinaryPrimitives.WriteUInt16BigEndian(seg.AsSpan(2), 80);
        seg[12] = (byte)((20 + optionLength) / 4 << 4);
        seg[13] = (byte)TcpFlags.Syn;
        options.CopyTo(seg, 20);
        BinaryPrimitives.WriteUInt16BigEndian(seg.AsSpan(16),
            Checksum.Compute(seg, Checksum.PseudoHeaderSum(Src, Dst, IpProtocol.Tcp, seg.Length)));
        return seg;
    }

    private static WireStatus Parse(byte[] options, out TcpOptions parsed)
    {
        var status = TcpPacket.TryParse(Segment(options), Src, Dst, out var p);
        parsed = status == WireStatus.Ok ? p.Options : default;
        return status;
    }

    [Fact]
    public void NoOptionsParsesAsDefault()
    {
        Assert.Equal(WireStatus.Ok, Parse([], out var o));
        Assert.Equal(default, o);
        Assert.Equal(0, o.EncodedLength);
    }

    [Fact]
    public void EndOfListStopsParsingEvenBeforeGarbage()
    {
        // Bytes after EOL are padding (RFC 9293 §3.2) and are never read as options.
        Assert.Equal(WireStatus.Ok, Parse([0, 2, 0, 0], out var o));
        Assert.False(o.HasMss);
    }

    [Fact]
    public void NopsAreSkippedOneByteAtATime()
    {
        Assert.Equal(WireStatus.Ok, Parse([1, 1, 1, 2, 4, 0x02, 0x18, 1], out var o));
        Assert.True(o.HasMss);
        Assert.Equal(536, o.Mss);
    }

    [Fact]
    public void Mss()
    {
        Assert.Equal(WireStatus.Ok, Parse([2, 4, 0xFF, 0xD7], out var o));
        Assert.Equal(65495, o.Mss);
    }

    [Fact]
    public void WindowScale()
    {
        Assert.Equal(WireStatus.Ok, Parse([1, 3, 3, 14], out var o));
        Assert.True(o.HasWindowScale);
        Assert.Equal(14, o.WindowScale);
    }

    [Fact]
    public void SackPermitted()
    {
        Assert.Equal(WireStatus.Ok, Parse([1, 1, 4, 2], out var o));
        Assert.True(o.SackPermitted);
    }

    [Fact]
    public void Timestamps()
    {
        Assert.Equal(WireStatus.Ok, Parse([1, 1, 8, 10, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1], out var o));
        Assert.True(o.HasTimestamps);
        Assert.Equal(0xFFFF_FFFFu, o.TsVal);
        Assert.Equal(1u, o.TsEcr);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void SackBlocks(int count)
    {
        var bytes = new List<byte> { 1, 1, 5, (byte)(2 + 8 * count) };
        for (int i = 0; i < count; i++)
        {
            var b = new byte[8];
            BinaryPrimitives.WriteUInt32BigEndian(b, 0xFFFF_FF00u + (uint)(i * 100));
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), (uint)(i * 100 + 50));
            bytes.AddRange(b);
        }
        Assert.Equal(WireStatus.Ok, Parse([.. bytes], out var o));
        Assert.Equal(count, o.SackBlockCount);
        for (int i = 0; i < count; i++)
            Assert.Equal(new SackBlock(new SeqNum(0xFFFF_FF00u + (uint)(i * 100)), new SeqNum((uint)(i * 100 + 50))), o.GetSackBlock(i));
    }

    [Fact]
    public void UnknownKindIsSkippedByLength()
    {
        // Kind 30 (MPTCP) with 6 bytes, then kind 253 (experimental) with 2, then MSS.
        Assert.Equal(WireStatus.Ok, Parse([30, 6, 0, 0x81, 2, 3, 253, 2, 2, 4, 0x05, 0xB4], out var o));
        Assert.True(o.HasMss);
        Assert.Equal(1460, o.Mss);
    }

    [Theory]
    [InlineData(new byte[] { 2, 0, 0, 0 })]          // length 0
    [InlineData(new byte[] { 30, 1, 0, 0 })]         // length 1 (unknown kind)
    [InlineData(new byte[] { 2, 1, 0, 0 })]          // length 1 (MSS)
    [InlineData(new byte[] { 1, 1, 1, 30, 6, 0, 0, 0 })] // runs past the header
    [InlineData(new byte[] { 1, 1, 1, 2 })]          // kind in the last byte, no room for length
    [InlineData(new byte[] { 2, 3, 0, 0 })]          // MSS must be 4
    [InlineData(new byte[] { 3, 4, 7, 0 })]          // window scale must be 3
    [InlineData(new byte[] { 4, 3, 0, 0 })]          // SACK-permitted must be 2
    [InlineData(new byte[] { 8, 8, 0, 0, 0, 0, 0, 0 })] // timestamps must be 10
    [InlineData(new byte[] { 5, 2, 0, 0 })]          // SACK without a block
    [InlineData(new byte[] { 5, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // SACK not 2 + 8n
    public void MalformedLengthsAreReportedButTheSegmentIsKept(byte[] options)
    {
        // Changed deliberately: these segments used to be rejected (BadOptionLength), so a SYN with an illegal option
        // length got no answer at all. RFC 9293 §3.1 MUST-7 says to be prepared for illegal option lengths, and Linux
        // stops parsing (or skips the option) and still processes the segment; the malformation is reported beside it.
        var status = TcpPacket.TryParse(Segment(options), Src, Dst, out var p);
        Assert.Equal(WireStatus.Ok, status);
        Assert.True(p.OptionsMalformed);
        Assert.Equal(WireStatus.BadOptionLength, TcpOptions.TryParse(options, out _));
    }

    [Fact]
    public void AnIllegalLengthEndsParsingAndKeepsWhatCameBefore()
    {
        // MSS 1460, then an unknown kind with length 0: parsing stops there, so the window scale after it is not read.
        var status = TcpPacket.TryParse(Segment(2, 4, 0x05, 0xB4, 30, 0, 3, 3, 7, 0, 0, 0), Src, Dst, out var p);
        Assert.Equal(WireStatus.Ok, status);
        Assert.True(p.OptionsMalformed);
        Assert.True(p.Options.HasMss);
        Assert.Equal(1460, p.Options.Mss);
        Assert.False(p.Options.HasWindowScale);
    }

    [Fact]
    public void AKnownKindWithTheWrongLengthIsSkippedByThatLength()
    {
        // MSS with length 3 (ignored, as Linux does), then window scale 7, which is still read.
        var status = TcpPacket.TryParse(Segment(2, 3, 0x05, 3, 3, 7, 0, 0), Src, Dst, out var p);
        Assert.Equal(WireStatus.Ok, status);
        Assert.True(p.OptionsMalformed);
        Assert.False(p.Options.HasMss);
        Assert.True(p.Options.HasWindowScale);
        Assert.Equal(7, p.Options.WindowScale);
    }

    [Fact]
    public void WellFormedOptionsAreNotReportedMalformed()
    {
        Assert.Equal(WireStatus.Ok, TcpPacket.TryParse(Segment(2, 4, 0x05, 0xB4, 1, 3, 3, 7), Src, Dst, out var p));
        Assert.False(p.OptionsMalformed);
    }

    [Fact]
    public void EncodedLengthCountsLinuxPadding()
    {
        var o = new TcpOptions { SackPermitted = true };
        Assert.Equal(4, o.EncodedLength);               // NOP NOP SACK_PERM
        o.HasTimestamps = true;
        Assert.Equal(12, o.EncodedLength);              // SACK_PERM TS
        o.HasMss = true;
        o.HasWindowScale = true;
        Assert.Equal(20, o.EncodedLength);
        o = new TcpOptions { HasTimestamps = true };
        o.AddSackBlock(default);
        o.AddSackBlock(default);
        o.AddSackBlock(default);
        Assert.Equal(12 + 4 + 24, o.EncodedLength);     // the most Linux sends with timestamps
    }

    [Fact]
    public void AFifthSackBlockIsRefused()
    {
        var o = new TcpOptions();
        for (int i = 0; i < 4; i++)
            Assert.True(o.TryAddSackBlock(new SackBlock(new SeqNum((uint)i), new SeqNum((uint)i + 1))));
        Assert.False(o.TryAddSackBlock(default));
        Assert.Throws<InvalidOperationException>(() => o.AddSackBlock(default));
        Assert.Equal(4, o.SackBlockCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => o.GetSackBlock(4));
    }

    [Fact]
    public void EqualityIgnoresValuesOfAbsentOptions()
    {
        var a = new TcpOptions { HasMss = false, Mss = 1 };
        var b = new TcpOptions { HasMss = false, Mss = 2 };
        Assert.Equal(a, b);
        Assert.True(a == b);
        b.HasMss = true;
        Assert.NotEqual(a, b);
    }
}
