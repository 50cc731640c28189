using System.Diagnostics;
using SynAck.Analysis.Conversations;
using SynAck.Capture;

namespace SynAck.Analysis.Benchmark;

/// <summary>
/// Runs the streaming analysis over a whole capture the way <c>synack analyze</c> does (records are counted and
/// dropped as they finish), timing it and sampling the managed heap every <see cref="SampleEvery"/> frames.
/// </summary>
internal static class MeasuredAnalysis
{
    public const int SampleEvery = 1 << 16;

    /// <param name="capture">The capture, read from its current position.</param>
    /// <param name="options">Analyzer settings (defaults when null).</param>
    /// <param name="progress">Hears the bytes read so far, every <see cref="SampleEvery"/> frames.</param>
    /// <param name="onFinished">Sees each finished connection (optional).</param>
    public static AnalysisMeasurement Run(Stream capture, AnalyzerOptions? options = null, Action<long>? progress = null,
        Action<TcpConnection>? onFinished = null)
    {
        long connections = 0, withRetransmissions = 0, retransmitted = 0;
        var analyzer = new ConversationAnalyzer(options, c =>
        {
            connections++;
            int r = c.Expert[TcpExpertFlags.Retransmission];
            retransmitted += r;
            if (r > 0)
                withRetransmissions++;
            onFinished?.Invoke(c);
        });
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        int gen2Before = GC.CollectionCount(2);
        long peakManaged = GC.GetTotalMemory(false);
        long peakHeap = 0;
        int peakActive = 0;
        var clock = Stopwatch.StartNew();
        using var reader = CaptureReader.Open(capture, leaveOpen: true);
        while (reader.TryReadNext(out var record))
        {
            analyzer.Add(record);
            if ((record.FrameNumber & (SampleEvery - 1)) == 0)
            {
                peakActive = Math.Max(peakActive, analyzer.ActiveConnections);
                peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(false));
                peakHeap = Math.Max(peakHeap, HeapSize());
                progress?.Invoke(reader.BytesRead);
            }
        }
        peakActive = Math.Max(peakActive, analyzer.ActiveConnections);
        analyzer.Complete();
        clock.Stop();
        peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(false));
        peakHeap = Math.Max(peakHeap, HeapSize());
        progress?.Invoke(reader.BytesRead);
        return new AnalysisMeasurement(reader.BytesRead, reader.FramesRead, connections, withRetransmissions, retransmitted, clock.Elapsed, peakActive, peakManaged, peakHeap,
            GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore, GC.CollectionCount(2) - gen2Before, analyzer.Summary, reader.Error);
    }

    /// <summary>The managed heap as the GC last sized it (fragmentation included); before any GC, what is allocated.</summary>
    private static long HeapSize()
    {
        var info = GC.GetGCMemoryInfo();
        return info.Index == 0 ? GC.GetTotalMemory(false) : Math.Max(info.HeapSizeBytes, GC.GetTotalMemory(false));
    }
}
