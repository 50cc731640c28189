using SynAck.Capture;
using SynAck.Links;

namespace SynAck.Tests.Links;

public sealed class PcapTapLinkTests
{
    [Fact]
    public void EveryPacketEachWayIsRecordedWithDirectionAndTime()
    {
        var start = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var time = new ManualTimeProvider(start);
        var file = new MemoryStream();
        using var pair = new MemoryLinkPair();
        using (var tap = new PcapTapLink(pair.A, file, time, leaveInnerOpen: true))
        {
            time.AdvanceNanoseconds(1_234);
            Assert.True(tap.TrySend(TestPackets.Make(1)));
            time.AdvanceNanoseconds(1_000_000);
            pair.B.TrySend(TestPackets.Make(2));
            Assert.Single(TestPackets.Drain(tap));
            time.AdvanceNanoseconds(7);
            Assert.True(tap.TrySend(TestPackets.Make(3)));
        }

        using var reader = CaptureReader.Open(new MemoryStream(file.ToArray()));
        var records = new List<CaptureRecord>();
        while (reader.TryReadNext(out var r))
            records.Add(r with { Data = r.Data.ToArray() }); // the reader reuses its buffer
        Assert.Null(reader.Error);

        var epoch = (start - DateTimeOffset.UnixEpoch).Ticks * 100;
        Assert.Equal([PacketDirection.Outbound, PacketDirection.Inbound, PacketDirection.Outbound], records.Select(r => r.Direction));
        Assert.Equal([epoch + 1_234, epoch + 1_001_234, epoch + 1_001_241], records.Select(r => r.TimestampNanoseconds));
        Assert.All(records, r => Assert.Equal(LinkType.Raw, r.LinkType));
        Assert.Equal(TestPackets.Make(1), records[0].Data.ToArray());
        Assert.Equal(TestPackets.Make(2), records[1].Data.ToArray());
        Assert.Equal(TestPackets.Make(3), records[2].Data.ToArray());
        // The packets still crossed the link.
        Assert.Equal(2, TestPackets.Drain(pair.B).Count);
    }

    [Fact]
    public void RefusedSendsAreNotRecorded()
    {
        var file = new MemoryStream();
        using var pair = new MemoryLinkPair(capacity: 1);
        using (var tap = new PcapTapLink(pair.A, file, new ManualTimeProvider(), leaveInnerOpen: true))
        {
            Assert.True(tap.TrySend(TestPackets.Make(1)));
            Assert.False(tap.TrySend(TestPackets.Make(2)));
        }
        using var reader = CaptureReader.Open(new MemoryStream(file.ToArray()));
        Assert.True(reader.TryReadNext(out var only));
        Assert.Equal(1, TestPackets.Id(only.Data.Span));
        Assert.False(reader.TryReadNext(out _));
    }

    [Fact]
    public void TwoTapsShareOneWriterAsTwoInterfaces()
    {
        var file = new MemoryStream();
        var time = new ManualTimeProvider();
        using var pair = new MemoryLinkPair();
        using (var writer = new PcapNgWriter(file, leaveOpen: true))
        using (var tapA = new PcapTapLink(pair.A, writer, time, "a", leaveInnerOpen: true))
        using (var tapB = new PcapTapLink(pair.B, writer, time, "b", leaveInnerOpen: true))
        {
            tapA.TrySend(TestPackets.Make(1));
            Assert.Single(TestPackets.Drain(tapB));
        }
        using var reader = CaptureReader.Open(new MemoryStream(file.ToArray()));
        Assert.True(reader.TryReadNext(out var sent));
        Assert.True(reader.TryReadNext(out var received));
        Assert.Equal((0, PacketDirection.Outbound), (sent.InterfaceId, sent.Direction));
        Assert.Equal((1, PacketDirection.Inbound), (received.InterfaceId, received.Direction));
    }

    [Fact]
    public void TapOverFaultsRecordsWhatTheStackSentEvenWhenLost()
    {
        var file = new MemoryStream();
        using var pair = new MemoryLinkPair();
        var faults = new FaultInjectingLink(pair.A, null, new FaultSettings { Loss = 1 }, 1, new ManualTimeProvider(), leaveInnerOpen: true);
        using (var tap = new PcapTapLink(faults, file, new ManualTimeProvider()))
            tap.TrySend(TestPackets.Make(1));
        Assert.Empty(TestPackets.Drain(pair.B));
        using var reader = CaptureReader.Open(new MemoryStream(file.ToArray()));
        Assert.True(reader.TryReadNext(out _));
    }
}
