using SynAck.Analysis.Benchmark;
using SynAck.Analysis.Conversations;

namespace SynAck.Analysis.Tests.Benchmark;

/// <summary>The benchmark's traffic generator: reproducible, and its ground truth is what the analysis finds (and tshark agrees).</summary>
public sealed class GeneratedTrafficTests
{
    private static (byte[] Bytes, TrafficTotals Totals) Generate(ulong seed, long size)
    {
        using var stream = new MemoryStream();
        var totals = new TrafficGenerator(seed).Write(stream, size);
        return (stream.ToArray(), totals);
    }

    [Fact]
    public void The_same_seed_writes_the_same_capture_and_another_seed_a_different_one()
    {
        var a = Generate(11, 1 << 20);
        var b = Generate(11, 1 << 20);
        var c = Generate(12, 1 << 20);
        Assert.Equal(a.Bytes, b.Bytes);
        Assert.NotEqual(a.Bytes, c.Bytes);
        Assert.Equal(a.Bytes.Length, a.Totals.Bytes);
        Assert.InRange(a.Totals.Bytes, 1 << 20, 3 << 20);
    }

    [Fact]
    public void The_analysis_finds_every_generated_connection_with_its_ending()
    {
        var (bytes, totals) = Generate(5, 8 << 20);
        var analysis = CaptureAnalysis.Analyze(new MemoryStream(bytes));
        Assert.Null(analysis.Error);
        var s = analysis.Summary;
        Assert.Equal(totals.Packets, s.Packets.TcpSegments);
        Assert.Equal(totals.Connections, s.Connections);
        Assert.Equal(0, s.MidstreamConnections);
        Assert.Equal(totals.Unanswered, s.UnansweredSynConnections);
        Assert.Equal(totals.Unanswered * 4, s.UnansweredSynSegments);
        Assert.Equal(totals.Refused, Count(s.ByConnState, "REJ"));
        Assert.Equal(totals.ClientFin + totals.ServerFin, Count(s.ByEndKind, ConnectionEndKind.Fin));
        Assert.Equal(totals.ClientRst + totals.ServerRst + totals.Refused, Count(s.ByEndKind, ConnectionEndKind.Rst));
        Assert.Equal(totals.FinThenRst, Count(s.ByEndKind, ConnectionEndKind.FinThenRst));
        Assert.Equal(totals.PayloadBytes, analysis.Connections.Sum(c => c.OriginatorBytes + c.ResponderBytes));
        Assert.Equal(totals.ServerFin, analysis.Connections.Count(c => c.EndKind == ConnectionEndKind.Fin && c.ActiveCloser == ConnectionSide.Responder));
        // Every lost data segment is sent again once; SYNs count as retransmissions too (the unanswered ones three times).
        long dataRetransmissions = analysis.Connections.Sum(c => c.Expert[TcpExpertFlags.Retransmission]) - totals.Unanswered * 3
            - analysis.Connections.Sum(c => c.ConnState == "S0" ? 0 : c.SynRetransmissions + c.SynAckRetransmissions);
        Assert.True(totals.Retransmissions > 0);
        Assert.Equal(totals.Retransmissions, dataRetransmissions);
    }

    [Fact]
    public void Stream_numbers_completeness_and_expert_flags_equal_tsharks_on_a_generated_capture()
    {
        Requirement.Tools("tshark");
        var (bytes, _) = Generate(3, 3 << 20);
        var path = Path.Combine(Path.GetTempPath(), $"synack-generated-{Guid.NewGuid():N}.pcap");
        File.WriteAllBytes(path, bytes);
        try
        {
            var analysis = CaptureAnalysis.Analyze(new MemoryStream(bytes), new AnalyzerOptions { LadderSegmentLimit = 100_000 });
            var ours = analysis.Connections.SelectMany(c => c.Segments.Select(seg => (seg.Frame, c.Stream, c.Completeness, seg.Expert)))
                .ToDictionary(x => x.Frame);
            var theirs = TsharkExpertFrame.Read(path);
            Assert.Equal(theirs.Count, ours.Count);
            var mismatches = theirs.Where(f => !ours.TryGetValue(f.Frame, out var o) || o.Stream != f.Stream || o.Completeness != f.Completeness || o.Expert != f.Flags)
                .Take(5).Select(f => $"frame {f.Frame}: tshark stream {f.Stream} completeness {f.Completeness} [{f.Flags}], SynAck {(ours.TryGetValue(f.Frame, out var o) ? $"stream {o.Stream} completeness {o.Completeness} [{o.Expert}]" : "none")}")
                .ToList();
            Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
            Assert.Contains(theirs, f => (f.Flags & TcpExpertFlags.FastRetransmission) != 0);
            Assert.Contains(theirs, f => (f.Flags & TcpExpertFlags.DuplicateAck) != 0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static long Count<TKey>(IEnumerable<KeyValuePair<TKey, long>> counts, TKey key)
        => counts.Where(p => EqualityComparer<TKey>.Default.Equals(p.Key, key)).Sum(p => p.Value);
}
