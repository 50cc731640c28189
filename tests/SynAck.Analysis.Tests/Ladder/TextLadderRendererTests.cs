using SynAck.Analysis.Ladder;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Analysis.Tests.Ladder;

public sealed class TextLadderRendererTests
{
    private static Instant Ms(double ms) => Instant.FromMilliseconds(ms);

    internal static LadderDiagram Handshake(bool dropAck = false)
    {
        var d = new LadderDiagram("handshake", "client 198.18.0.1:49152", "server 198.18.0.2:80");
        d.Add(new LadderStateChange(Ms(0), LadderSide.Right, "LISTEN"));
        d.Add(new LadderStateChange(Ms(0), LadderSide.Left, "SYN-SENT"));
        d.Add(new LadderSegment(Ms(0), LadderSide.Left, new SegmentSummary(TcpFlags.Syn, 0, 0, 65535, 0, "mss=1460"), Ms(10)));
        d.Add(new LadderStateChange(Ms(10), LadderSide.Right, "SYN-RECEIVED"));
        d.Add(new LadderSegment(Ms(10), LadderSide.Right, new SegmentSummary(TcpFlags.Syn | TcpFlags.Ack, 0, 1, 65535, 0, "mss=1460"), Ms(20)));
        d.Add(new LadderStateChange(Ms(20), LadderSide.Left, "ESTABLISHED"));
        d.Add(new LadderSegment(Ms(20), LadderSide.Left, new SegmentSummary(TcpFlags.Ack, 1, 1, 65535, 0), dropAck ? null : Ms(30), dropAck));
        if (!dropAck)
            d.Add(new LadderStateChange(Ms(30), LadderSide.Right, "ESTABLISHED"));
        return d;
    }

    [Fact]
    public void EveryLineFitsEightyColumns()
    {
        string text = new TextLadderRenderer().Render(Handshake());
        Assert.All(text.Split('\n'), line => Assert.True(line.Length <= 80, $"{line.Length} columns: '{line}'"));
    }

    [Fact]
    public void ArrowsPointFromSenderToReceiverAndCarryTheSegment()
    {
        string[] lines = new TextLadderRenderer().Render(Handshake()).Split('\n');
        string syn = Assert.Single(lines, l => l.Contains("SYN seq=0", StringComparison.Ordinal));
        Assert.True(syn.IndexOf('▶', StringComparison.Ordinal) > syn.IndexOf("SYN seq=0", StringComparison.Ordinal), syn);
        Assert.Contains("SYN-SENT", syn, StringComparison.Ordinal);
        string synAck = Assert.Single(lines, l => l.Contains("SYN,ACK seq=0 ack=1", StringComparison.Ordinal));
        Assert.Contains("◀", synAck, StringComparison.Ordinal);
        Assert.Contains("SYN-RECEIVED", synAck, StringComparison.Ordinal);
    }

    [Fact]
    public void ADroppedSegmentEndsInACrossAndReachesNobody()
    {
        string[] lines = new TextLadderRenderer().Render(Handshake(dropAck: true)).Split('\n');
        string ack = Assert.Single(lines, l => l.Contains("ACK seq=1 ack=1", StringComparison.Ordinal));
        Assert.Contains("✕", ack, StringComparison.Ordinal);
        Assert.DoesNotContain("▶", ack, StringComparison.Ordinal);
    }

    [Fact]
    public void AsciiFallbackUsesOnlyAscii()
    {
        string text = new TextLadderRenderer(LadderGlyphs.Ascii).Render(Handshake(dropAck: true));
        Assert.All(text, c => Assert.True(c < 128, $"non-ASCII character U+{(int)c:X4}"));
        Assert.Contains("->", text, StringComparison.Ordinal);
        Assert.Contains("<-", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TimesAreMillisecondsFromTheFirstEntry()
    {
        string[] lines = new TextLadderRenderer().Render(Handshake()).Split('\n');
        Assert.StartsWith("       0.0", Assert.Single(lines, l => l.Contains("SYN seq=0", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.StartsWith("      30.0", lines.Last(l => l.Contains("ESTABLISHED", StringComparison.Ordinal)), StringComparison.Ordinal);
    }
}
