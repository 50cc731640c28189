using SynAck.Analysis.Conversations;
using SynAck.Capture;

namespace SynAck.Analysis.Benchmark;

/// <summary>What <see cref="MeasuredAnalysis"/> saw: time, volume, and the most memory the analysis held.</summary>
internal sealed record AnalysisMeasurement(
    long Bytes,
    long Frames,
    long Connections,
    long ConnectionsWithRetransmissions,
    long RetransmittedSegments,
    TimeSpan Elapsed,
    int PeakActiveConnections,
    long PeakManagedBytes,
    long PeakHeapBytes,
    long AllocatedBytes,
    int Gen2Collections,
    AnalysisSummary Summary,
    CaptureError? Error)
{
    /// <summary>Throughput in megabytes (10^6 bytes) per second.</summary>
    public double MegabytesPerSecond => Elapsed.TotalSeconds > 0 ? Bytes / 1e6 / Elapsed.TotalSeconds : 0;
}
