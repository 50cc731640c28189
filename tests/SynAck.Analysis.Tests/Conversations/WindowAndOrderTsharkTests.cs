using SynAck.Analysis.Conversations;
using SynAck.Wire;

namespace SynAck.Analysis.Tests.Conversations;

/// <summary>
/// Out-of-order arrival and a receiver window filled to its edge, crafted with the Wire writers: stream numbers,
/// completeness and expert flags of every frame equal tshark's.
/// </summary>
public sealed class WindowAndOrderTsharkTests
{
    private const TcpFlags A = TcpFlags.Ack, PA = TcpFlags.Psh | TcpFlags.Ack, FA = TcpFlags.Fin | TcpFlags.Ack;

    [Fact]
    public void Out_of_order_and_window_full_verdicts_equal_tsharks()
    {
        Requirement.Tools("tshark");
        var cap = new SyntheticCapture()
            // Stream 0: the server advertises 300 bytes; the client fills them exactly (window full), the server
            // closes the window (zero window), opens it again (window update), then the client's segments arrive
            // out of order (within the 20 ms iRTT of the highest one).
            .Handshake()
            .Add(30, false, A, 5001, 1001, window: 300)
            .Add(31, true, PA, 1001, 5001, length: 100).Add(31.1, true, PA, 1101, 5001, length: 200)
            .Add(40, false, A, 5001, 1301, window: 0)
            .Add(60, false, A, 5001, 1301, window: 2000)
            .Add(61, true, PA, 1301, 5001, length: 100).Add(61.2, true, PA, 1501, 5001, length: 100).Add(61.4, true, PA, 1401, 5001, length: 100)
            .Add(62, false, A, 5001, 1601, window: 2000)
            .Add(70, true, FA, 1601, 5001).Add(71, false, FA, 5001, 1602).Add(72, true, A, 1602, 5002)
            // Stream 1: midstream data only (completeness 8 without the handshake), one segment arriving late.
            .Add(1000, true, PA, 70_001, 90_001, length: 50, clientPort: 41000).Add(1001, true, PA, 70_101, 90_001, length: 50, clientPort: 41000)
            .Add(1001.5, true, PA, 70_051, 90_001, length: 50, clientPort: 41000).Add(1002, false, A, 90_001, 70_151, clientPort: 41000);
        var path = cap.Save();
        try
        {
            var analysis = cap.Analyze();
            var ours = analysis.Connections.SelectMany(c => c.Segments.Select(s => (s.Frame, c.Stream, c.Completeness, s.Expert))).ToDictionary(x => x.Frame);
            var theirs = TsharkExpertFrame.Read(path);
            Assert.Equal(cap.Frames, theirs.Count);
            foreach (var f in theirs)
            {
                var o = ours[f.Frame];
                Assert.Equal(f.Stream, o.Stream);
                Assert.True(f.Completeness == o.Completeness, $"frame {f.Frame}: tshark completeness {f.Completeness}, SynAck {o.Completeness}");
                Assert.True(f.Flags == o.Expert, $"frame {f.Frame}: tshark [{f.Flags}], SynAck [{o.Expert}]");
            }
            // The situations were really there (so agreement is not agreement on nothing).
            Assert.Contains(theirs, f => (f.Flags & TcpExpertFlags.WindowFull) != 0);
            Assert.Contains(theirs, f => (f.Flags & TcpExpertFlags.OutOfOrder) != 0);
            Assert.Contains(theirs, f => (f.Flags & TcpExpertFlags.ZeroWindow) != 0);
            Assert.Contains(theirs, f => (f.Flags & TcpExpertFlags.WindowUpdate) != 0);
            Assert.Equal(2, analysis.Connections.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
