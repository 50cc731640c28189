using SynAck.Time;

namespace SynAck.Analysis.Conversations;

/// <summary>
/// Everything <c>synack analyze</c> learned about one TCP connection (one Wireshark <c>tcp.stream</c>):
/// who opened it, how the handshake went, what flowed each way, who closed it and how it ended, with Zeek's
/// <c>conn_state</c>/<c>history</c> and Wireshark's completeness and expert verdicts for comparison.
/// Times are capture timestamps (nanoseconds since the Unix epoch).
/// </summary>
public sealed class TcpConnection
{
    internal TcpConnection(long stream) => Stream = stream;

    /// <summary>Wireshark's <c>tcp.stream</c> number: connections numbered from 0 in order of their first packet.</summary>
    public long Stream { get; }

    /// <summary>The side that sent the first SYN (without ACK); when none was seen, the sender of the first packet.</summary>
    public TcpEndpoint Originator { get; internal set; }

    public TcpEndpoint Responder { get; internal set; }

    /// <summary>No SYN from the originator was seen: the capture started in the middle of the connection.</summary>
    public bool Midstream { get; internal set; }

    public long FirstFrame { get; internal set; }

    public long LastFrame { get; internal set; }

    public Instant Start { get; internal set; }

    public Instant End { get; internal set; }

    public Duration Duration => End - Start;

    /// <summary>The first SYN, and the first SYN-ACK (null when not seen).</summary>
    public Instant? SynTime { get; internal set; }

    public Instant? SynAckTime { get; internal set; }

    /// <summary>From the first SYN to the first SYN-ACK: what connect() waited, lost SYNs included.</summary>
    public Duration? SynToSynAck => SynTime is { } s && SynAckTime is { } a ? a - s : null;

    /// <summary>Wireshark's initial RTT: the first segment with only ACK set minus the latest SYN.</summary>
    public Duration? InitialRtt { get; internal set; }

    /// <summary>SYNs sent (the first plus retransmissions) and the gaps between them: Linux doubles its 1 s initial RTO.</summary>
    public int SynCount { get; internal set; }

    public IReadOnlyList<Duration> SynIntervals => SynGaps;

    public int SynAckCount { get; internal set; }

    public IReadOnlyList<Duration> SynAckIntervals => SynAckGaps;

    public int SynRetransmissions => Math.Max(0, SynCount - 1);

    public int SynAckRetransmissions => Math.Max(0, SynAckCount - 1);

    public long OriginatorPackets { get; internal set; }

    public long ResponderPackets { get; internal set; }

    /// <summary>TCP payload bytes each way (retransmissions counted again, as on the wire).</summary>
    public long OriginatorBytes { get; internal set; }

    public long ResponderBytes { get; internal set; }

    /// <summary>IP bytes each way (headers included; the original length when the capture cut packets short).</summary>
    public long OriginatorIpBytes { get; internal set; }

    public long ResponderIpBytes { get; internal set; }

    /// <summary>The side that sent the first FIN: the active closer, which holds TIME_WAIT (RFC 9293 §3.6).</summary>
    public ConnectionSide? ActiveCloser { get; internal set; }

    /// <summary>The endpoint that holds TIME_WAIT after a FIN close, if any.</summary>
    public TcpEndpoint? TimeWaitHolder => ActiveCloser switch
    {
        ConnectionSide.Originator => Originator,
        ConnectionSide.Responder => Responder,
        _ => null,
    };

    public Instant? FirstFinTime { get; internal set; }

    public Instant? SecondFinTime { get; internal set; }

    /// <summary>Between the two FINs: how long the connection stayed half-closed.</summary>
    public Duration? HalfCloseTime => FirstFinTime is { } a && SecondFinTime is { } b ? b - a : null;

    /// <summary>The active closer's ACK of the second FIN was seen: the close completed on the wire.</summary>
    public bool FinalAckSeen { get; internal set; }

    public ConnectionEndKind EndKind { get; internal set; }

    /// <summary>Who sent the first reset, when, after how long a silence, and at what point of the connection.</summary>
    public ConnectionSide? ResetBy { get; internal set; }

    public Instant? ResetTime { get; internal set; }

    public Duration? ResetAfterIdle { get; internal set; }

    public ResetPhase? ResetPhase { get; internal set; }

    /// <summary>The reset's sequence number lay in the receiver's window (RFC 5961 §3.2 would accept it); null when the receiver's window was never seen.</summary>
    public bool? ResetInWindow { get; internal set; }

    /// <summary>Zeek's conn_state: S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR or OTH.</summary>
    public string ConnState { get; internal set; } = "OTH";

    /// <summary>Zeek's history letters; upper case for the originator.</summary>
    public string History { get; internal set; } = "";

    /// <summary>Zeek's <c>missed_bytes</c>: bytes the peer acknowledged that the capture never showed (content gaps), both directions.</summary>
    public long MissedBytes { get; internal set; }

    /// <summary>Zeek's <c>orig_bytes</c>: the originator's sequence space used (retransmitted and missed bytes once, SYN and FIN not).</summary>
    public long ZeekOriginatorBytes { get; internal set; }

    /// <summary>Zeek's <c>resp_bytes</c>.</summary>
    public long ZeekResponderBytes { get; internal set; }

    /// <summary>Wireshark's <c>tcp.completeness</c>: SYN 1, SYN-ACK 2, ACK 4, DATA 8, FIN 16, RST 32.</summary>
    public int Completeness { get; internal set; }

    public ExpertCounts Expert { get; internal set; } = new(0);

    /// <summary>Segments whose IPv4 header or TCP checksum failed and did not look offloaded (damaged on the way).</summary>
    public long BadChecksums { get; internal set; }

    /// <summary>Segments whose checksum was left for the NIC (zero, or the pseudo-header sum alone): captured on the sending host.</summary>
    public long OffloadedChecksums { get; internal set; }

    /// <summary>A SYN with a new ISN started this connection on the 4-tuple of an earlier one.</summary>
    public bool ReusedTuple { get; internal set; }

    /// <summary>How long before this connection's first SYN the previous connection on the same 4-tuple ended.</summary>
    public Duration? PreviousOnTupleEndedAgo { get; internal set; }

    /// <summary>This connection's SYN reached a 4-tuple whose previous connection was still in TIME_WAIT (within the TIME_WAIT window of its clean close).</summary>
    public bool SynDuringTimeWait { get; internal set; }

    /// <summary>The encapsulation (VLAN, MPLS, PPPoE, IP tunnels) the connection's packets came through; null when none.
    /// Two connections with the same 4-tuple in different tunnels are two records.</summary>
    public ConnectionTunnel? Tunnel { get; internal set; }

    /// <summary>The segments kept for the ladder (empty unless the analysis was asked to keep them).</summary>
    public IReadOnlyList<CapturedSegment> Segments => KeptSegments;

    internal List<Duration> SynGaps { get; } = [];

    internal List<Duration> SynAckGaps { get; } = [];

    internal List<CapturedSegment> KeptSegments { get; } = [];

    /// <summary>"RST by responder after 12 ms idle, right after the handshake" — one line for tables.</summary>
    public string EndDescription => ConnectionNarrative.Describe(this);
}
