using SynAck.Capture;

namespace SynAck.Tests.Capture;

/// <summary>pcapng files built by hand (not by SynAck's writer), in both byte orders.</summary>
public sealed class PcapNgReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsEnhancedPacketsInEitherByteOrder(bool bigEndian)
    {
        var file = new CaptureBytes(bigEndian)
            .SectionHeader()
            .InterfaceDescription(linkType: 1, snapLength: 65535, name: "eth0")
            .EnhancedPacket(0, 1_600_000_000_000_001, CaptureTestData.Packet(33, 1), flags: 1)
            .EnhancedPacket(0, 1_600_000_000_000_002, CaptureTestData.Packet(34, 2), flags: 2, original: 1514)
            .ToArray();

        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Null(reader.Error);
        Assert.Equal(2, records.Count);
        // No if_tsresol: microseconds.
        Assert.Equal(1_600_000_000_000_001_000, records[0].Record.TimestampNanoseconds);
        Assert.Equal(PacketDirection.Inbound, records[0].Record.Direction);
        Assert.Equal(PacketDirection.Outbound, records[1].Record.Direction);
        Assert.Equal(LinkType.Ethernet, records[1].Record.LinkType);
        Assert.Equal(1514, records[1].Record.OriginalLength);
        Assert.Equal(CaptureTestData.Packet(34, 2), records[1].Data);
    }

    [Theory]
    [InlineData((byte)9, 1_234_567_891UL, 1_234_567_891L)]         // 10^-9
    [InlineData((byte)3, 1_234UL, 1_234_000_000L)]                 // milliseconds
    [InlineData((byte)0, 5UL, 5_000_000_000L)]                     // seconds
    [InlineData((byte)12, 1_234_567_891_999UL, 1_234_567_891L)]    // picoseconds, truncated
    [InlineData((byte)0x80, 3UL, 3_000_000_000L)]                  // 2^0
    [InlineData((byte)0x8A, 1024UL + 512UL, 1_500_000_000L)]      // 2^-10
    [InlineData((byte)0x9E, 1UL << 30, 1_000_000_000L)]            // 2^-30
    [InlineData((byte)0x7F, ulong.MaxValue, 0L)]                   // 10^-127: below a nanosecond
    public void InterfaceResolutionConvertsToNanoseconds(byte tsResolution, ulong timestamp, long expected)
    {
        var file = new CaptureBytes(false)
            .SectionHeader()
            .InterfaceDescription(101, tsResolution: tsResolution)
            .EnhancedPacket(0, timestamp, [0x45])
            .ToArray();
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Null(reader.Error);
        Assert.Equal(expected, records[0].Record.TimestampNanoseconds);
    }

    [Fact]
    public void TimestampOffsetAddsSeconds()
    {
        var file = new CaptureBytes(true)
            .SectionHeader()
            .InterfaceDescription(101, tsResolution: 9, tsOffset: 1_000)
            .EnhancedPacket(0, 42, [0x45])
            .ToArray();
        var records = CaptureTestData.ReadAll(file, out _);
        Assert.Equal(1_000_000_000_042, records[0].Record.TimestampNanoseconds);
    }

    [Fact]
    public void HugeResolutionAndOffsetSaturateInsteadOfOverflowing()
    {
        var file = new CaptureBytes(false)
            .SectionHeader()
            .InterfaceDescription(101, tsResolution: 0, tsOffset: long.MaxValue)
            .EnhancedPacket(0, ulong.MaxValue, [0x45])
            .InterfaceDescription(101, tsResolution: 0, tsOffset: long.MinValue)
            .EnhancedPacket(1, 0, [0x45])
            .ToArray();
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Null(reader.Error);
        Assert.Equal(long.MaxValue, records[0].Record.TimestampNanoseconds);
        Assert.Equal(long.MinValue, records[1].Record.TimestampNanoseconds);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SimplePacketBlockUsesInterfaceZeroAndItsSnapLength(bool bigEndian)
    {
        var file = new CaptureBytes(bigEndian)
            .SectionHeader()
            .InterfaceDescription(linkType: 228, snapLength: 8)
            .SimplePacket(CaptureTestData.Packet(8, 1), original: 40)
            .SimplePacket(CaptureTestData.Packet(5, 2))
            .ToArray();
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Null(reader.Error);
        Assert.Equal(2, records.Count);
        Assert.Equal(CaptureTestData.Packet(8, 1), records[0].Data);
        Assert.Equal(40, records[0].Record.OriginalLength);
        // 5 bytes padded to 8 in the block: the original length says where the packet ends.
        Assert.Equal(CaptureTestData.Packet(5, 2), records[1].Data);
        Assert.Equal(LinkType.Ipv4, records[1].Record.LinkType);
        Assert.Equal(0, records[1].Record.InterfaceId);
    }

    [Fact]
    public void UnknownBlocksAreSkippedByLength()
    {
        var file = new CaptureBytes(false)
            .SectionHeader()
            .Block(4, [1, 0, 8, 0, 10, 0, 0, 1, (byte)'h', (byte)'o', (byte)'s', (byte)'t', 0, 0, 0, 0]) // NRB
            .InterfaceDescription(101)
            .Block(0x0A, new byte[37])                                // decryption secrets
            .EnhancedPacket(0, 1, CaptureTestData.Packet(20, 1))
            .Block(0x40000BAD, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }) // custom block
            .Block(5, new byte[12])                                   // interface statistics
            .EnhancedPacket(0, 2, CaptureTestData.Packet(21, 2))
            .ToArray();
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Null(reader.Error);
        Assert.Equal(2, records.Count);
        Assert.Equal(CaptureTestData.Packet(21, 2), records[1].Data);
        Assert.Equal(2, records[1].Record.FrameNumber);
        Assert.Equal(file.Length, reader.BytesRead);
    }

    [Fact]
    public void UnknownBlocksAreSkippedOnStreamsThatCannotSeek()
    {
        var file = new CaptureBytes(false)
            .SectionHeader()
            .InterfaceDescription(101)
            .Block(0xBAD, new byte[100_000])
            .EnhancedPacket(0, 1, CaptureTestData.Packet(20, 1))
            .ToArray();
        using var reader = CaptureReader.Open(new ForwardOnlyStream(file));
        Assert.True(reader.TryReadNext(out var r));
        Assert.Equal(CaptureTestData.Packet(20, 1), r.Data.ToArray());
        Assert.False(reader.TryReadNext(out _));
        Assert.Null(reader.Error);
    }

    [Fact]
    public void NewSectionForgetsInterfacesAndMayChangeByteOrder()
    {
        var first = new CaptureBytes(false)
            .SectionHeader()
            .InterfaceDescription(101)
            .InterfaceDescription(1)
            .EnhancedPacket(1, 10, CaptureTestData.Packet(20, 1));
        var second = new CaptureBytes(true)
            .SectionHeader()
            .InterfaceDescription(228, tsResolution: 9)
            .EnhancedPacket(0, 20, CaptureTestData.Packet(20, 2), flags: 2);
        var file = first.ToArray().Concat(second.ToArray()).ToArray();

        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Null(reader.Error);
        Assert.Equal(2, records.Count);
        Assert.Equal((LinkType.Ethernet, 1, 10_000L), (records[0].Record.LinkType, records[0].Record.InterfaceId, records[0].Record.TimestampNanoseconds));
        // Interface 0 of the second section is the third interface of the file.
        Assert.Equal((LinkType.Ipv4, 2, 20L, PacketDirection.Outbound),
            (records[1].Record.LinkType, records[1].Record.InterfaceId, records[1].Record.TimestampNanoseconds, records[1].Record.Direction));
    }

    [Fact]
    public void PacketForAnInterfaceOfTheEarlierSectionIsDamage()
    {
        var file = new CaptureBytes(false)
            .SectionHeader().InterfaceDescription(101).InterfaceDescription(101)
            .SectionHeader().InterfaceDescription(101)
            .EnhancedPacket(1, 0, [0x45])
            .ToArray();
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Empty(records);
        Assert.NotNull(reader.Error);
        Assert.Contains("interface 1", reader.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UndefinedDirectionBitsReadAsUnknownAndMalformedOptionsAreIgnored()
    {
        var epbWithBadOption = new CaptureBytes(false)
            .U32(0).U32(0).U32(1).U32(4).U32(4).Raw([0x45, 0, 0, 0])
            .U16(2).U16(200).U32(1); // epb_flags claiming 200 bytes: runs past the block
        var file = new CaptureBytes(false)
            .SectionHeader().InterfaceDescription(101)
            .EnhancedPacket(0, 0, [0x45], flags: 3)
            .Block(6, epbWithBadOption.ToArray())
            .ToArray();
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Null(reader.Error);
        Assert.Equal(2, records.Count);
        Assert.Equal(PacketDirection.Unknown, records[0].Record.Direction);
        Assert.Equal(PacketDirection.Unknown, records[1].Record.Direction);
        Assert.Equal(new byte[] { 0x45, 0, 0, 0 }, records[1].Data);
    }

    [Fact]
    public void ObsoletePacketBlockIsRead()
    {
        var body = new CaptureBytes(false).U16(0).U16(0).U32(0).U32(1_000_000).U32(3).U32(3).Raw([0x45, 1, 2]).Pad4()
            .U16(2).U16(4).U32(1).U32(0);
        var file = new CaptureBytes(false).SectionHeader().InterfaceDescription(101).Block(2, body.ToArray()).ToArray();
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Null(reader.Error);
        Assert.Equal(1_000_000_000, records[0].Record.TimestampNanoseconds);
        Assert.Equal(PacketDirection.Inbound, records[0].Record.Direction);
        Assert.Equal(new byte[] { 0x45, 1, 2 }, records[0].Data);
    }

    /// <summary>A stream that reads in small pieces and cannot seek, like a pipe.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private int _at;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, 7), data.Length - _at);
            Array.Copy(data, _at, buffer, offset, n);
            _at += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
