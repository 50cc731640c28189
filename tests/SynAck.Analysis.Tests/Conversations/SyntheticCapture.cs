using SynAck.Capture;
using SynAck.Wire;

namespace SynAck.Analysis.Tests.Conversations;

/// <summary>Builds small pcap files segment by segment (raw IPv4 link type, nanosecond stamps) for tests that need exact situations.</summary>
internal sealed class SyntheticCapture
{
    public static readonly IpAddress Client = IpAddress.V4(10, 0, 0, 1);
    public static readonly IpAddress Server = IpAddress.V4(10, 0, 0, 2);

    private readonly MemoryStream _stream = new();
    private readonly PcapWriter _writer;
    private readonly byte[] _buffer = new byte[2048];

    public SyntheticCapture() => _writer = new PcapWriter(_stream, LinkType.Raw, nanosecond: true, leaveOpen: true);

    public long Frames { get; private set; }

    /// <summary>Changes each packet before it is written (its bytes, and whether the client sent it): damage, offloaded checksums.</summary>
    public Action<Span<byte>, bool>? Mangle { get; set; }

    /// <summary>Adds one segment at <paramref name="ms"/> milliseconds.</summary>
    public SyntheticCapture Add(double ms, bool fromClient, TcpFlags flags, uint seq, uint ack, int length = 0, ushort window = 1000,
        ushort clientPort = 40000, ushort serverPort = 80, TcpOptions options = default)
    {
        var h = new TcpHeaderFields
        {
            SourcePort = fromClient ? clientPort : serverPort,
            DestinationPort = fromClient ? serverPort : clientPort,
            Seq = new SeqNum(seq),
            Ack = new SeqNum(ack),
            Flags = flags,
            Window = window,
            Options = options,
        };
        var payload = new byte[length];
        int n = fromClient
            ? IpPacket.WriteTcp(_buffer, Client, Server, h, payload)
            : IpPacket.WriteTcp(_buffer, Server, Client, h, payload);
        Mangle?.Invoke(_buffer.AsSpan(0, n), fromClient);
        _writer.WritePacket(1_700_000_000_000_000_000L + (long)(ms * 1_000_000), _buffer.AsSpan(0, n));
        Frames++;
        return this;
    }

    /// <summary>A complete open: SYN, SYN-ACK, ACK with ISNs 1000 (client) and 5000 (server).</summary>
    public SyntheticCapture Handshake(double ms = 0, ushort clientPort = 40000, uint clientIsn = 1000, uint serverIsn = 5000)
        => Add(ms, true, TcpFlags.Syn, clientIsn, 0, clientPort: clientPort)
            .Add(ms + 10, false, TcpFlags.Syn | TcpFlags.Ack, serverIsn, clientIsn + 1, clientPort: clientPort)
            .Add(ms + 20, true, TcpFlags.Ack, clientIsn + 1, serverIsn + 1, clientPort: clientPort);

    public byte[] Bytes()
    {
        _writer.Flush();
        return _stream.ToArray();
    }

    public string Save()
    {
        var path = Path.Combine(Path.GetTempPath(), "synack-synthetic-" + Guid.NewGuid().ToString("N")[..8] + ".pcap");
        File.WriteAllBytes(path, Bytes());
        return path;
    }

    public Analysis.Conversations.CaptureAnalysis Analyze(Analysis.Conversations.AnalyzerOptions? options = null)
        => Analysis.Conversations.CaptureAnalysis.Analyze(new MemoryStream(Bytes()), options ?? new() { LadderSegmentLimit = 1000 });
}
