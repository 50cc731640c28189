using SynAck.Capture;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Scenarios;

/// <summary>A scenario's traffic written as pcapng reads back as the segments the stacks exchanged, with virtual timestamps.</summary>
public sealed class ScenarioPcapTests
{
    [Fact]
    public void LifecycleCaptureReadsBackSegmentForSegment()
    {
        var rig = new ScenarioRig();
        var stream = new MemoryStream();
        using (rig.Net.WritePcapNg(stream, leaveOpen: true))
        {
            var (c, s) = rig.Open();
            rig.Transfer(rig.Client, c, rig.Server, s, ScenarioRig.Pattern(100, 1), Duration.FromSeconds(1));
            rig.Client.Close(c, rig.Now);
            Assert.True(rig.Net.RunUntil(() => rig.Server.IsReceiveComplete(s), rig.Now + Duration.FromSeconds(1)));
            rig.Server.Close(s, rig.Now);
            rig.Net.RunFor(Duration.FromSeconds(61));
        }

        stream.Position = 0;
        using var reader = CaptureReader.Open(stream);
        var read = new List<(long Time, TcpFlags Flags, SeqNum Seq, SeqNum Ack, int Length)>();
        while (reader.TryReadNext(out var record))
        {
            Assert.True(LinkLayer.TryGetIpPacket(record.LinkType, record.Data.Span, out var ipBytes));
            Assert.Equal(WireStatus.Ok, IpPacket.TryParse(ipBytes, out var ip));
            Assert.Equal(WireStatus.Ok, ip.TryGetTcp(out var tcp));
            read.Add((record.TimestampNanoseconds, tcp.Flags, tcp.Seq, tcp.Ack, tcp.Payload.Length));
        }
        Assert.Null(reader.Error);

        var expected = rig.Segments.Select(x => (x.Time.Nanoseconds, x.Flags, x.Seq, x.Ack, x.Length)).ToList();
        Assert.Equal(expected, read);
        Assert.Equal([TcpFlags.Syn, TcpFlags.Syn | TcpFlags.Ack, TcpFlags.Ack], read.Take(3).Select(r => r.Flags));
        Assert.Equal(2, read.Count(r => (r.Flags & TcpFlags.Fin) != 0));
    }
}
