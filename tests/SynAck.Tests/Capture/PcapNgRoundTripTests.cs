using SynAck.Capture;

namespace SynAck.Tests.Capture;

public sealed class PcapNgRoundTripTests
{
    [Fact]
    public void TimestampsDirectionsAndInterfacesSurviveARoundTrip()
    {
        var ms = new MemoryStream();
        using (var w = new PcapNgWriter(ms, leaveOpen: true))
        {
            Assert.Equal(0, w.AddInterface(LinkType.Raw, "synack0"));
            Assert.Equal(1, w.AddInterface(LinkType.Ethernet, "eth0"));
            w.WritePacket(0, 1_700_000_000_123_456_789, CaptureTestData.Packet(41, 1), PacketDirection.Outbound);
            w.WritePacket(1, 1_700_000_000_123_456_790, CaptureTestData.Packet(42, 2), PacketDirection.Inbound);
            w.WritePacket(0, 7, CaptureTestData.Packet(43, 3));
            w.WritePacket(1, long.MaxValue, CaptureTestData.Packet(0, 4));
        }

        var file = ms.ToArray();
        Assert.Equal(0, file.Length % 4);
        var records = CaptureTestData.ReadAll(file, out var reader);
        Assert.Null(reader.Error);
        Assert.Equal(CaptureFormat.PcapNg, reader.Format);
        Assert.Equal(4, records.Count);

        Assert.Equal((1L, 1_700_000_000_123_456_789L, LinkType.Raw, 0, PacketDirection.Outbound),
            (records[0].Record.FrameNumber, records[0].Record.TimestampNanoseconds, records[0].Record.LinkType, records[0].Record.InterfaceId, records[0].Record.Direction));
        Assert.Equal((2L, 1_700_000_000_123_456_790L, LinkType.Ethernet, 1, PacketDirection.Inbound),
            (records[1].Record.FrameNumber, records[1].Record.TimestampNanoseconds, records[1].Record.LinkType, records[1].Record.InterfaceId, records[1].Record.Direction));
        Assert.Equal((7L, PacketDirection.Unknown), (records[2].Record.TimestampNanoseconds, records[2].Record.Direction));
        Assert.Equal(long.MaxValue, records[3].Record.TimestampNanoseconds);
        Assert.Empty(records[3].Data);
        for (var i = 0; i < 3; i++)
            Assert.Equal(CaptureTestData.Packet(41 + i, (byte)(i + 1)), records[i].Data);
        Assert.Equal(file.Length, reader.BytesRead);
    }

    [Fact]
    public void InterfaceBlockDeclaresNanosecondResolutionAndName()
    {
        var ms = new MemoryStream();
        using (var w = new PcapNgWriter(ms, leaveOpen: true, application: null))
            w.AddInterface(LinkType.Ipv4, "tun7", snapLength: 1500);

        var file = ms.ToArray();
        // SHB without options is 28 bytes; the IDB follows.
        var idb = file.AsSpan(28);
        Assert.Equal(1u, BitConverter.ToUInt32(idb));
        Assert.Equal((ushort)LinkType.Ipv4, BitConverter.ToUInt16(idb[8..]));
        Assert.Equal(1500u, BitConverter.ToUInt32(idb[12..]));
        // if_name "tun7" then if_tsresol 9 then opt_endofopt.
        Assert.Equal(new byte[] { 2, 0, 4, 0, (byte)'t', (byte)'u', (byte)'n', (byte)'7' }, idb[16..24].ToArray());
        Assert.Equal(new byte[] { 9, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0, 0 }, idb[24..36].ToArray());
    }

    [Fact]
    public void DirectionIsWrittenAsEpbFlagsBits()
    {
        var ms = new MemoryStream();
        using (var w = new PcapNgWriter(ms, leaveOpen: true, application: null))
        {
            w.AddInterface(LinkType.Raw);
            w.WritePacket(0, 0, [0x45, 1, 2, 3], PacketDirection.Outbound);
        }
        var file = ms.ToArray();
        // Last block: EPB of 12 + 20 + 4 data + 12 options = 48 bytes.
        var epb = file.AsSpan(file.Length - 48);
        Assert.Equal(6u, BitConverter.ToUInt32(epb));
        Assert.Equal(48u, BitConverter.ToUInt32(epb[4..]));
        Assert.Equal(new byte[] { 2, 0, 4, 0, 2, 0, 0, 0, 0, 0, 0, 0 }, epb[32..44].ToArray());
    }

    [Fact]
    public void OddLengthsArePaddedToFourBytes()
    {
        var ms = new MemoryStream();
        using (var w = new PcapNgWriter(ms, leaveOpen: true, application: "odd"))
        {
            w.AddInterface(LinkType.Raw, "a");
            for (var n = 0; n < 8; n++)
                w.WritePacket(0, n, CaptureTestData.Packet(n, 9));
        }
        var records = CaptureTestData.ReadAll(ms.ToArray(), out var reader);
        Assert.Null(reader.Error);
        Assert.Equal(8, records.Count);
        for (var n = 0; n < 8; n++)
            Assert.Equal(CaptureTestData.Packet(n, 9), records[n].Data);
    }

    [Fact]
    public void SnapLengthCutsThePacket()
    {
        var ms = new MemoryStream();
        using (var w = new PcapNgWriter(ms, leaveOpen: true))
        {
            w.AddInterface(LinkType.Raw, snapLength: 10);
            w.WritePacket(0, 0, CaptureTestData.Packet(25, 1));
        }
        var records = CaptureTestData.ReadAll(ms.ToArray(), out _);
        Assert.Equal(CaptureTestData.Packet(25, 1)[..10], records[0].Data);
        Assert.Equal(25, records[0].Record.OriginalLength);
    }

    [Fact]
    public void WriterRejectsUnknownInterfaceAndNegativeTime()
    {
        using var w = new PcapNgWriter(new MemoryStream());
        Assert.Throws<ArgumentOutOfRangeException>(() => w.WritePacket(0, 0, [0x45]));
        w.AddInterface(LinkType.Raw);
        Assert.Throws<ArgumentOutOfRangeException>(() => w.WritePacket(1, 0, [0x45]));
        Assert.Throws<ArgumentOutOfRangeException>(() => w.WritePacket(0, -5, [0x45]));
    }

    [Fact]
    public void DataStaysValidUntilTheNextRead()
    {
        var ms = new MemoryStream();
        using (var w = new PcapNgWriter(ms, leaveOpen: true))
        {
            w.AddInterface(LinkType.Raw);
            w.WritePacket(0, 1, CaptureTestData.Packet(100, 1));
            w.WritePacket(0, 2, CaptureTestData.Packet(100, 2));
        }
        using var reader = CaptureReader.Open(new MemoryStream(ms.ToArray()));
        Assert.True(reader.TryReadNext(out var first));
        Assert.Equal(CaptureTestData.Packet(100, 1), first.Data.ToArray());
        Assert.True(reader.TryReadNext(out var second));
        Assert.Equal(CaptureTestData.Packet(100, 2), second.Data.ToArray());
        Assert.False(reader.TryReadNext(out _));
        Assert.Null(reader.Error);
    }
}
