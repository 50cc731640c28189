using SynAck.Capture;

namespace SynAck.Analysis.Conversations;

/// <summary>The result of analysing a whole capture: every connection (by stream number), the summary, and where reading stopped if the file was damaged.</summary>
public sealed class CaptureAnalysis
{
    internal CaptureAnalysis(IReadOnlyList<TcpConnection> connections, AnalysisSummary summary, CaptureError? error, long bytesRead)
    {
        Connections = connections;
        Summary = summary;
        Error = error;
        BytesRead = bytesRead;
    }

    public IReadOnlyList<TcpConnection> Connections { get; }

    public AnalysisSummary Summary { get; }

    /// <summary>Why the capture could not be read to its end; the connections before the damage are still reported.</summary>
    public CaptureError? Error { get; }

    public long BytesRead { get; }

    /// <summary>Reads a whole capture and keeps every connection record (use <see cref="ConversationAnalyzer"/> directly to stream).</summary>
    public static CaptureAnalysis Analyze(Stream capture, AnalyzerOptions? options = null)
    {
        var connections = new List<TcpConnection>();
        var analyzer = new ConversationAnalyzer(options, connections.Add);
        using var reader = CaptureReader.Open(capture, leaveOpen: true);
        while (reader.TryReadNext(out var record))
            analyzer.Add(record);
        analyzer.Complete();
        // Records Zeek split from one Wireshark conversation share its stream number: those in capture order.
        connections.Sort((a, b) => a.Stream != b.Stream ? a.Stream.CompareTo(b.Stream) : a.FirstFrame.CompareTo(b.FirstFrame));
        return new CaptureAnalysis(connections, analyzer.Summary, reader.Error, reader.BytesRead);
    }
}
