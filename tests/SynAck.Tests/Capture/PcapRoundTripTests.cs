using SynAck.Capture;

namespace SynAck.Tests.Capture;

public sealed class PcapRoundTripTests
{
    [Fact]
    public void NanosecondFileKeepsEveryNanosecond()
    {
        var stamps = new long[] { 0, 1, 999_999_999, 1_000_000_000, 1_700_000_000_123_456_789, 4_294_967_295_999_999_999 };
        var ms = new MemoryStream();
        using (var w = new PcapWriter(ms, LinkType.Raw, nanosecond: true, leaveOpen: true))
        {
            for (var i = 0; i < stamps.Length; i++)
                w.WritePacket(stamps[i], CaptureTestData.Packet(40 + i, (byte)i));
        }

        var file = ms.ToArray();
        Assert.Equal(new byte[] { 0x4D, 0x3C, 0xB2, 0xA1 }, file[..4]);
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Null(reader.Error);
        Assert.Equal(CaptureFormat.Pcap, reader.Format);
        Assert.Equal(stamps.Length, records.Count);
        for (var i = 0; i < stamps.Length; i++)
        {
            var (r, data) = records[i];
            Assert.Equal(i + 1, r.FrameNumber);
            Assert.Equal(stamps[i], r.TimestampNanoseconds);
            Assert.Equal(LinkType.Raw, r.LinkType);
            Assert.Equal(CaptureTestData.Packet(40 + i, (byte)i), data);
            Assert.Equal(40 + i, r.OriginalLength);
            Assert.Equal(PacketDirection.Unknown, r.Direction);
        }
        Assert.Equal(stamps.Length, reader.FramesRead);
        Assert.Equal(file.Length, reader.BytesRead);
    }

    [Fact]
    public void MicrosecondFileTruncatesBelowTheMicrosecond()
    {
        var ms = new MemoryStream();
        using (var w = new PcapWriter(ms, LinkType.Ethernet, nanosecond: false, leaveOpen: true))
        {
            w.WritePacket(1_700_000_000_123_456_789, CaptureTestData.Packet(60, 1));
            w.WritePacket(5_000_999, CaptureTestData.Packet(60, 2));
        }

        var file = ms.ToArray();
        Assert.Equal(new byte[] { 0xD4, 0xC3, 0xB2, 0xA1 }, file[..4]);
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Null(reader.Error);
        Assert.Equal(1_700_000_000_123_456_000, records[0].Record.TimestampNanoseconds);
        Assert.Equal(5_000_000, records[1].Record.TimestampNanoseconds);
        Assert.Equal(LinkType.Ethernet, records[0].Record.LinkType);
    }

    [Fact]
    public void SnapLengthCutsThePacketAndKeepsTheOriginalLength()
    {
        var ms = new MemoryStream();
        using (var w = new PcapWriter(ms, LinkType.Raw, snapLength: 64, leaveOpen: true))
        {
            w.WritePacket(10, CaptureTestData.Packet(100, 3));
            w.WritePacket(20, CaptureTestData.Packet(50, 4), originalLength: 1500);
        }

        var records = CaptureTestData.ReadAll(ms.ToArray(), out _);
        Assert.Equal(CaptureTestData.Packet(100, 3)[..64], records[0].Data);
        Assert.Equal(100, records[0].Record.OriginalLength);
        Assert.True(records[0].Record.IsTruncated);
        Assert.Equal(50, records[1].Data.Length);
        Assert.Equal(1500, records[1].Record.OriginalLength);
    }

    [Fact]
    public void EmptyCaptureEndsCleanly()
    {
        var ms = new MemoryStream();
        new PcapWriter(ms, LinkType.Raw, leaveOpen: true).Dispose();
        var records = CaptureTestData.ReadAll(ms.ToArray(), out var reader);
        Assert.Empty(records);
        Assert.Null(reader.Error);
        Assert.Equal(24, reader.BytesRead);
    }

    [Fact]
    public void WriterRejectsProgrammerErrors()
    {
        using var w = new PcapWriter(new MemoryStream(), LinkType.Raw);
        Assert.Throws<ArgumentOutOfRangeException>(() => w.WritePacket(-1, [0x45]));
        Assert.Throws<ArgumentOutOfRangeException>(() => w.WritePacket(0, [0x45, 0], originalLength: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => w.WritePacket((long)uint.MaxValue * 1_000_000_000 + 1_000_000_000, [0x45]));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void ReadsHandBuiltFilesInEitherByteOrder(bool bigEndian, bool nanosecond)
    {
        var magic = nanosecond ? 0xA1B23C4Du : 0xA1B2C3D4u;
        var file = new CaptureBytes(bigEndian)
            .PcapHeader(magic, linkType: 113)
            .PcapRecord(1_600_000_000, 123_456, CaptureTestData.Packet(30, 1), original: 90)
            .PcapRecord(1_600_000_001, 7, CaptureTestData.Packet(31, 2))
            .ToArray();

        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Null(reader.Error);
        Assert.Equal(2, records.Count);
        var unit = nanosecond ? 1L : 1000L;
        Assert.Equal(1_600_000_000_000_000_000 + 123_456 * unit, records[0].Record.TimestampNanoseconds);
        Assert.Equal(1_600_000_001_000_000_000 + 7 * unit, records[1].Record.TimestampNanoseconds);
        Assert.Equal(LinkType.LinuxSll, records[0].Record.LinkType);
        Assert.Equal(90, records[0].Record.OriginalLength);
        Assert.Equal(CaptureTestData.Packet(31, 2), records[1].Data);
    }

    [Fact]
    public void FcsBitsInTheLinkTypeFieldAreIgnored()
    {
        // draft-ietf-opsawg-pcap: bits 26-31 of the field may say whether frames carry an FCS.
        var file = new CaptureBytes(false).PcapHeader(0xA1B2C3D4, 0x1400_0000u | 1).PcapRecord(0, 0, [1, 2]).ToArray();
        var records = CaptureTestData.ReadAll(file, out _);
        Assert.Equal(LinkType.Ethernet, records[0].Record.LinkType);
    }
}
