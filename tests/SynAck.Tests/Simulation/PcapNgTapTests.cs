using SynAck.Capture;
using SynAck.Simulation;
using SynAck.Tests.Simulation.Fakes;
using SynAck.Time;

namespace SynAck.Tests.Simulation;

public sealed class PcapNgTapTests
{
    private static Instant Ms(double ms) => Instant.FromMilliseconds(ms);

    private static List<CaptureRecord> ReadAll(MemoryStream stream)
    {
        stream.Position = 0;
        using var reader = CaptureReader.Open(stream);
        var records = new List<CaptureRecord>();
        while (reader.TryReadNext(out var r))
            records.Add(r with { Data = r.Data.ToArray() }); // the reader reuses its buffer
        Assert.Null(reader.Error);
        return records;
    }

    private static Pair EchoWithOneLoss()
    {
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(10L) }, echo: true);
        pair.A.SendAt(Ms(0), pair.AToB(1, 60));
        pair.A.SendAt(Ms(1), pair.AToB(2, 60));
        pair.Network.AddRule(PacketRule.DropNth(new PacketMatch { From = "a" }, 2));
        return pair;
    }

    [Fact]
    public void WireCaptureHasEveryPacketOnceAtItsSendTimeLostOnesIncluded()
    {
        var pair = EchoWithOneLoss();
        var stream = new MemoryStream();
        using (pair.Network.WritePcapNg(stream, leaveOpen: true))
            pair.Network.RunUntil(Ms(100));

        var records = ReadAll(stream);
        Assert.Equal([0L, 1_000_000L, 10_000_000L], records.Select(r => r.TimestampNanoseconds));
        Assert.All(records, r => Assert.Equal(LinkType.Raw, r.LinkType));
        Assert.Equal([1L, 2L, 1L], records.Select(r => RawPacket.Tag(r.Data.Span)));
        Assert.Equal(pair.AToB(1, 60), records[0].Data.ToArray());
    }

    [Fact]
    public void HostCaptureHasDirectionsAndOnlyWhatReachedTheHost()
    {
        var pair = EchoWithOneLoss();
        var stream = new MemoryStream();
        using (pair.Network.WritePcapNg(stream, host: "b", leaveOpen: true))
            pair.Network.RunUntil(Ms(100));

        var records = ReadAll(stream);
        Assert.Equal([PacketDirection.Inbound, PacketDirection.Outbound], records.Select(r => r.Direction));
        Assert.Equal([10_000_000L, 10_000_000L], records.Select(r => r.TimestampNanoseconds));
        Assert.Equal(pair.BToA(1, 60), records[1].Data.ToArray());
    }
}
