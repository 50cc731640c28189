using System.Buffers.Binary;
using SynAck.Capture;

namespace SynAck.Tests.Capture;

/// <summary>Damaged files: reading stops at the damage with its byte offset, after every good record.</summary>
public sealed class CaptureDamageTests
{
    private static readonly byte[] P1 = CaptureTestData.Packet(21, 1);
    private static readonly byte[] P2 = CaptureTestData.Packet(22, 2);

    [Fact]
    public void UnknownMagicIsReportedAtOffsetZero()
    {
        var records = CaptureTestData.ReadAll([0xDE, 0xAD, 0xBE, 0xEF, 0, 0, 0, 0], out var reader);
        Assert.Empty(records);
        Assert.Equal(CaptureFormat.Unknown, reader.Format);
        Assert.Equal(0, reader.Error!.Offset);
        Assert.Contains("unknown magic number DEADBEEF", reader.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void FileTooShortForAMagicNumberIsReported(int length)
    {
        CaptureTestData.ReadAll(new byte[length], out var reader);
        Assert.Equal(0, reader.Error!.Offset);
    }

    [Fact]
    public void TruncatedPcapFileHeaderIsReported()
    {
        var file = new CaptureBytes(false).PcapHeader(0xA1B2C3D4, 101).ToArray()[..20];
        CaptureTestData.ReadAll(file, out var reader);
        Assert.Equal(0, reader.Error!.Offset);
        Assert.Contains("truncated pcap file header", reader.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PcapRecordCutShortIsReportedAtItsHeader()
    {
        var good = new CaptureBytes(false).PcapHeader(0xA1B2C3D4, 101).PcapRecord(1, 1, P1).ToArray();
        var file = good.Concat(new CaptureBytes(false).PcapRecord(2, 2, P2).ToArray()[..30]).ToArray();
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Single(records);
        Assert.Equal(P1, records[0].Data);
        Assert.Equal(good.Length, reader.Error!.Offset);
        Assert.Contains("truncated record", reader.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AbsurdPcapRecordLengthIsReported()
    {
        var b = new CaptureBytes(true).PcapHeader(0xA1B23C4D, 101).PcapRecord(1, 1, P1);
        var offset = b.Length;
        var file = b.U32(2).U32(2).U32(300_000_000).U32(300_000_000).Raw(P2).ToArray();
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Single(records);
        Assert.Equal(offset, reader.Error!.Offset);
        Assert.Contains("absurd", reader.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedPcapVersionIsReported()
    {
        var file = new CaptureBytes(false).U32(0xA1B2C3D4).U16(1).U16(0).U32(0).U32(0).U32(65535).U32(1).ToArray();
        CaptureTestData.ReadAll(file, out var reader);
        Assert.Contains("version 1.0", reader.Error!.Message, StringComparison.Ordinal);
    }

    /// <summary>A pcapng file with two packets; returns it and the offset of the second packet's block.</summary>
    private static (CaptureBytes Builder, int SecondAt) TwoPacketPcapNg(bool bigEndian)
    {
        var b = new CaptureBytes(bigEndian).SectionHeader().InterfaceDescription(101).EnhancedPacket(0, 1, P1);
        var at = b.Length;
        return (b, at);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BlockLengthNotAMultipleOfFourIsReported(bool bigEndian)
    {
        var (b, at) = TwoPacketPcapNg(bigEndian);
        var file = b.U32(6).U32(50).Raw(new byte[42]).U32(50).ToArray();
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Single(records);
        Assert.Equal(at, reader.Error!.Offset);
        Assert.Contains("not a multiple of 4", reader.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TrailingLengthThatDiffersIsReported(bool bigEndian)
    {
        var (b, at) = TwoPacketPcapNg(bigEndian);
        var block = new CaptureBytes(bigEndian).EnhancedPacket(0, 2, P2).ToArray();
        var file = b.Raw(block.AsSpan(0, block.Length - 4)).U32(999).ToArray();
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Single(records);
        Assert.Equal(at, reader.Error!.Offset);
        Assert.Contains("trailing block length 999 differs", reader.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AbsurdBlockLengthIsReported()
    {
        var (b, at) = TwoPacketPcapNg(false);
        var file = b.U32(6).U32(0x1000_0004).Raw(new byte[64]).ToArray();
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Single(records);
        Assert.Equal(at, reader.Error!.Offset);
        Assert.Contains("absurd block length", reader.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BlockLengthBelowTheMinimumIsReported()
    {
        var (b, at) = TwoPacketPcapNg(false);
        var file = b.U32(6).U32(8).ToArray();
        CaptureTestData.ReadAll(file, out var reader);
        Assert.Equal(at, reader.Error!.Offset);
    }

    [Fact]
    public void CapturedLengthBeyondTheBlockIsReported()
    {
        var (b, at) = TwoPacketPcapNg(false);
        var body = new CaptureBytes(false).U32(0).U32(0).U32(0).U32(400).U32(400).Raw(new byte[8]);
        var file = b.Block(6, body.ToArray()).ToArray();
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Single(records);
        Assert.Equal(at, reader.Error!.Offset);
        Assert.Contains("captured length 400", reader.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadByteOrderMagicIsReported()
    {
        var (b, at) = TwoPacketPcapNg(false);
        var file = b.U32(0x0A0D0D0A).U32(28).U32(0x12345678).U32(1).U64(0).U32(28).ToArray();
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Single(records);
        Assert.Equal(at, reader.Error!.Offset);
        Assert.Contains("byte-order magic 78563412", reader.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SimplePacketWithoutInterfaceIsReported()
    {
        var b = new CaptureBytes(false).SectionHeader();
        var at = b.Length;
        var file = b.SimplePacket(P1).ToArray();
        CaptureTestData.ReadAll(file, out var reader);
        Assert.Equal(at, reader.Error!.Offset);
    }

    [Fact]
    public void AfterDamageReadingStaysStopped()
    {
        using var reader = CaptureReader.Open(new MemoryStream([1, 2, 3, 4, 5, 6, 7, 8]));
        Assert.False(reader.TryReadNext(out _));
        Assert.False(reader.TryReadNext(out _));
        Assert.Equal(0, reader.Error!.Offset);
    }

    /// <summary>
    /// Cutting a valid file at every byte: all whole records before the cut come back, and the
    /// error names the offset of the record or block the cut fell into (none at a boundary).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryTruncationOfAPcapNgFileIsReportedAtTheCutBlock(bool bigEndian)
    {
        var blocks = new List<byte[]>
        {
            new CaptureBytes(bigEndian).SectionHeader().ToArray(),
            new CaptureBytes(bigEndian).InterfaceDescription(101, tsResolution: 9, name: "x").ToArray(),
            new CaptureBytes(bigEndian).EnhancedPacket(0, 1, P1, flags: 1).ToArray(),
            new CaptureBytes(bigEndian).Block(5, new byte[12]).ToArray(),
            new CaptureBytes(bigEndian).EnhancedPacket(0, 2, P2).ToArray(),
            new CaptureBytes(bigEndian).SimplePacket(P1).ToArray(),
        };
        var isPacket = new[] { false, false, true, false, true, true };
        AssertEveryTruncation(blocks, isPacket);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryTruncationOfAPcapFileIsReportedAtTheCutRecord(bool bigEndian)
    {
        var blocks = new List<byte[]>
        {
            new CaptureBytes(bigEndian).PcapHeader(0xA1B23C4D, 1).ToArray(),
            new CaptureBytes(bigEndian).PcapRecord(1, 2, P1).ToArray(),
            new CaptureBytes(bigEndian).PcapRecord(3, 4, P2).ToArray(),
            new CaptureBytes(bigEndian).PcapRecord(5, 6, []).ToArray(),
        };
        AssertEveryTruncation(blocks, [false, true, true, true]);
    }

    private static void AssertEveryTruncation(List<byte[]> blocks, bool[] isPacket)
    {
        var file = blocks.SelectMany(b => b).ToArray();
        for (var cut = 0; cut <= file.Length; cut++)
        {
            var records = CaptureTestData.ReadAll(file[..cut], out var reader);
            int start = 0, whole = 0, packets = 0;
            while (whole < blocks.Count && start + blocks[whole].Length <= cut)
            {
                if (isPacket[whole])
                    packets++;
                start += blocks[whole].Length;
                whole++;
            }
            Assert.Equal(packets, records.Count);
            if (cut == start && whole > 0)
                Assert.Null(reader.Error);
            else
                Assert.Equal(start, reader.Error?.Offset);
        }
    }

    [Fact]
    public void ErrorOffsetIsTheBlockStartEvenDeepInAFile()
    {
        var b = new CaptureBytes(false).SectionHeader().InterfaceDescription(101);
        for (var i = 0; i < 100; i++)
            b.EnhancedPacket(0, (ulong)i, P1);
        var at = b.Length;
        var file = b.EnhancedPacket(0, 0, P2).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(file.Length - 4), 4);
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Equal(100, records.Count);
        Assert.Equal(at, reader.Error!.Offset);
    }
}
