using SynAck.Capture;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Analysis.Conversations;

/// <summary>
/// Turns a stream of captured packets into per-connection records and a capture summary, in bounded memory:
/// a connection is finished and handed to the callback once it has ended on the wire (both FINs or a reset)
/// and stayed quiet for <see cref="AnalyzerOptions.CloseLinger"/>, or went silent for
/// <see cref="AnalyzerOptions.IdleTimeout"/>. Connections are numbered like Wireshark's <c>tcp.stream</c>:
/// in order of their first packet, with a new number when a SYN carrying a new ISN arrives on a known 4-tuple.
/// A connection is a 4-tuple within its tunnel: the same 4-tuple in another tunnel (other outer addresses, VNI,
/// TEID, VLAN, label) is another connection with its own number, where Wireshark has one (see <see cref="ConnectionTunnel"/>).
/// </summary>
/// <remarks>Not thread-safe. Packets must be added in capture order.</remarks>
public sealed partial class ConversationAnalyzer
{
    private static readonly long SweepIntervalNs = Duration.FromSeconds(1).Nanoseconds;

    private readonly AnalyzerOptions _options;
    private readonly Action<TcpConnection>? _onFinished;
    private readonly Dictionary<ConnectionKey, ConnectionTracker> _active = [];
    private readonly Dictionary<ConnectionKey, RecentEnd> _recent = [];
    private readonly SummaryBuilder _summary;
    private const int TcpMinimumHeader = 20;
    private const int Ipv6FixedHeader = 40;

    private TunnelTrail _trail;
    private int _activeCount;
    private byte[] _padded = new byte[2048];
    private byte[] _offloaded = new byte[2048];
    private long _nextStream;
    private long _now = long.MinValue;
    private long _nextSweep = long.MinValue;
    private long _frames, _segments, _notIp, _notTcp, _fragments, _truncated, _malformed, _badChecksums;
    private long _unsupportedLink, _linkTruncated, _encrypted;
    private readonly SortedSet<LinkType> _unsupportedLinkTypes = [];
    private bool _anyDecodedLink;

    /// <param name="options">Timeouts and what to keep; defaults when null.</param>
    /// <param name="onFinished">Receives each connection once its record is final (in the order they finish).</param>
    public ConversationAnalyzer(AnalyzerOptions? options = null, Action<TcpConnection>? onFinished = null)
    {
        _options = options ?? new AnalyzerOptions();
        _onFinished = onFinished;
        _summary = new SummaryBuilder(_options.TimeWaitWindow.Nanoseconds);
    }

    /// <summary>Connections being followed right now (the memory the analysis holds).</summary>
    public int ActiveConnections => _activeCount;

    /// <summary>4-tuples and destinations remembered in any form: followed connections, recently ended ones, recent closes per TIME_WAIT holder.</summary>
    internal int RetainedEntries => _activeCount + _recent.Count + _summary.TrackedDestinations;

    /// <summary>Connections numbered so far.</summary>
    public long StreamCount => _nextStream;

    public PacketCounts Packets => new(_frames, _segments, _notIp, _notTcp, _fragments, _truncated, _malformed, _badChecksums,
        _unsupportedLink, _linkTruncated, _encrypted);

    /// <summary>Link types met in the capture that SynAck does not decode.</summary>
    public IReadOnlyCollection<LinkType> UnsupportedLinkTypes => _unsupportedLinkTypes;

    /// <summary>Frames were read but none was on a link type SynAck decodes: nothing in the capture could be analysed.</summary>
    public bool NothingDecodable => _frames > 0 && !_anyDecodedLink;

    /// <summary>The summary over the connections finished so far (all of them after <see cref="Complete"/>).</summary>
    public AnalysisSummary Summary => _summary.Build(Packets);

    /// <summary>Reads one captured frame: strips the link layer, parses IP and TCP, and updates its connection.</summary>
    public void Add(in CaptureRecord record)
    {
        _frames++;
        var link = LinkLayer.Decode(record.LinkType, record.Data.Span, ref _trail, out var ipBytes);
        if (link != LinkDecodeStatus.UnsupportedLinkType)
            _anyDecodedLink = true;
        switch (link)
        {
            case LinkDecodeStatus.Ip:
                break;
            case LinkDecodeStatus.UnsupportedLinkType:
                _unsupportedLink++;
                _unsupportedLinkTypes.Add(record.LinkType);
                return;
            case LinkDecodeStatus.Truncated:
                _linkTruncated++;
                return;
            case LinkDecodeStatus.Encrypted:
                _encrypted++;
                return;
            default:
                _notIp++;
                return;
        }
        int capturedIp = ipBytes.Length;
        int missing = record.OriginalLength - record.Data.Length;
        if (missing > 0)
        {
            // The capture cut the packet short (snap length): lengths come from the headers, payload bytes are not needed.
            _truncated++;
            ipBytes = Pad(ipBytes, missing);
        }
        int offloadedLength = 0;
        if (ipBytes.Length >= 20 && ipBytes[0] >> 4 == 4 && (ipBytes[2] << 8 | ipBytes[3]) is var total && (total == 0 || total > ipBytes.Length))
        {
            // An IPv4 total length of 0 is a packet captured before segmentation offload (TSO, BIG TCP) filled it
            // in; one longer than the frame is a damaged header. Either way the packet is as long as the frame
            // says, as Wireshark reads it.
            offloadedLength = ipBytes.Length;
            ipBytes = WithLengthField(ipBytes, 2, Math.Min(offloadedLength, ushort.MaxValue));
        }
        else if (ipBytes.Length > Ipv6FixedHeader && ipBytes[0] >> 4 == 6 && ipBytes[4] == 0 && ipBytes[5] == 0 && ipBytes[6] == (byte)IpProtocol.HopByHop)
        {
            // RFC 2675: a jumbogram (payload length 0, the length in a hop-by-hop Jumbo Payload option), as Linux
            // BIG TCP sends them; read as long as the frame.
            offloadedLength = ipBytes.Length;
            ipBytes = WithLengthField(ipBytes, 4, Math.Min(offloadedLength - Ipv6FixedHeader, ushort.MaxValue));
        }
        // Checksums are judged below, never a reason to drop the packet here (as in Wireshark and Zeek).
        var status = IpPacket.TryParse(ipBytes, out var ip, verifyChecksum: false);
        if (status == WireStatus.Fragment)
        {
            _fragments++;
            FirstFragment(record, ip, ipBytes);
            return;
        }
        if (status != WireStatus.Ok)
        {
            _malformed++;
            return;
        }
        if (ip.Protocol != IpProtocol.Tcp)
        {
            _notTcp++;
            return;
        }
        // The fixed TCP header must have been captured; options cut off by the snap length read as absent.
        if (TcpPacket.TryParse(ip.Payload, ip.Source, ip.Destination, out var tcp, verifyChecksum: false) != WireStatus.Ok
            || ip.HeaderLength + TcpMinimumHeader > capturedIp)
        {
            _malformed++;
            return;
        }
        var checksum = missing > 0 ? ChecksumVerdict.Good : ChecksumCheck.Judge(ip, ip.Payload);
        if (checksum != ChecksumVerdict.Good)
            _badChecksums++;
        _segments++;

        var src = new TcpEndpoint(ip.Source, tcp.SourcePort);
        var dst = new TcpEndpoint(ip.Destination, tcp.DestinationPort);
        var options = tcp.Options;
        int ipLength = offloadedLength > 0 ? offloadedLength : ip.TotalLength;
        int payloadLength = offloadedLength > ushort.MaxValue ? offloadedLength - ip.HeaderLength - tcp.HeaderLength : tcp.Payload.Length;
        var segment = new SegmentView(record.FrameNumber, record.TimestampNanoseconds, tcp.Seq.Value, tcp.Ack.Value, payloadLength,
            tcp.Flags, tcp.Window, options.HasWindowScale, options.WindowScale, ipLength,
            KeepsSegments(_nextStream) && (tcp.Flags & TcpFlags.Syn) != 0 ? OptionText(options) : null);
        Process(segment, src, dst, checksum);
    }

    /// <summary>
    /// SynAck does not reassemble IP fragments; but the first fragment of a TCP packet holds its header, and
    /// Wireshark, when it cannot reassemble, reads that header: the connection is noted without sequence analysis.
    /// </summary>
    private void FirstFragment(in CaptureRecord record, in IpPacket ip, ReadOnlySpan<byte> ipBytes)
    {
        bool first = ip.Version == 4 && ((ipBytes[6] & 0x1F) << 8 | ipBytes[7]) == 0;
        if (!first || ip.Protocol != IpProtocol.Tcp
            || TcpPacket.TryParse(ip.Payload, ip.Source, ip.Destination, out var tcp, verifyChecksum: false) != WireStatus.Ok)
            return;
        _segments++;
        var segment = new SegmentView(record.FrameNumber, record.TimestampNanoseconds, tcp.Seq.Value, tcp.Ack.Value, 0,
            tcp.Flags, tcp.Window, false, 0, ip.TotalLength, null, Fragment: true);
        Process(segment, new TcpEndpoint(ip.Source, tcp.SourcePort), new TcpEndpoint(ip.Destination, tcp.DestinationPort), ChecksumVerdict.Good);
    }

    /// <summary>Finishes every connection still followed (open or timed out, judged at the last packet's time).</summary>
    public void Complete()
    {
        foreach (var (key, tracker) in AllActive().OrderBy(p => p.Tracker.Record.Stream).ToList())
        {
            bool timedOut = _now - tracker.LastPacketTime >= _options.IdleTimeout.Nanoseconds;
            Finish(key, tracker, timedOut);
        }
        _recent.Clear();
    }

    private void Process(in SegmentView s, TcpEndpoint src, TcpEndpoint dst, ChecksumVerdict checksum)
    {
        if (s.Time > _now)
            _now = s.Time;
        if (_now >= _nextSweep)
        {
            Sweep();
            _nextSweep = _now + SweepIntervalNs;
        }

        ulong ids = _trail.IdHash;
        var key = ConnectionKey.For(src, dst, _trail.PathHash, out bool fromLow);
        var tracker = _active.TryGetValue(key, out var head) ? BestFit(head, fromLow, ids) : null;
        if (tracker is not null)
        {
            var conversation = tracker.Wireshark;
            // Wireshark: a SYN whose sequence number differs from the known ISN of its direction opens a new conversation.
            bool newConversation = s.PureSyn && conversation.TryGetBase(fromLow, out uint isn) && isn != s.Seq;
            // Zeek: once either side sent a FIN or a reset, any SYN opens a new connection (a SYN-ACK only while
            // the originator has sent nothing), even with the same ISN; Wireshark keeps the conversation.
            bool newConnection = newConversation
                || (s.Syn && tracker.SawFinOrReset && (!s.HasAck || tracker.Record.OriginatorPackets == 0));
            if (newConnection)
            {
                var previous = Finish(key, tracker, timedOut: false);
                long endedAt = tracker.ClosedAt ?? tracker.LastPacketTime;
                _recent.Remove(key);
                tracker = Create(key, newConversation ? null : conversation);
                if (newConversation)
                    tracker.MarkReused(new Duration(s.Time - endedAt), InTimeWait(previous, endedAt, s.Time));
            }
        }
        else
        {
            if (_recent.TryGetValue(key, out var ended) && ended.Ids.Fit(fromLow, ids) > 0)
            {
                _recent.Remove(key);
                // The 4-tuple's last connection was finished (closed and quiet, or idle): Wireshark continues its
                // conversation unless this SYN brings a new ISN.
                var conversation = ended.Conversation;
                if (s.PureSyn && conversation.TryGetBase(fromLow, out uint isn) && isn != s.Seq)
                {
                    tracker = Create(key, null);
                    tracker.MarkReused(new Duration(s.Time - ended.EndedAt), ended.CleanClose && s.Time - ended.EndedAt < _options.TimeWaitWindow.Nanoseconds);
                }
                else
                {
                    tracker = Create(key, conversation);
                }
            }
            else
            {
                tracker = Create(key, null);
            }
        }
        tracker.NoteTunnel(fromLow, _trail, ids);
        tracker.Process(s, src, dst, fromLow, checksum, _options.VerifyChecksums);
    }

    private bool InTimeWait(TcpConnection previous, long endedAt, long now)
        => previous.EndKind == ConnectionEndKind.Fin && now - endedAt < _options.TimeWaitWindow.Nanoseconds;

    /// <summary>Follows a new connection on <paramref name="key"/>, in <paramref name="conversation"/> or in a new Wireshark conversation (a new stream number).</summary>
    private ConnectionTracker Create(ConnectionKey key, WiresharkConversation? conversation)
    {
        conversation ??= new WiresharkConversation(_nextStream++);
        long stream = conversation.Stream;
        var tracker = new ConnectionTracker(conversation, KeepsSegments(stream) ? _options.LadderSegmentLimit : 0, _options.ExpertFrameLimit);
        Link(key, tracker);
        return tracker;
    }

    private bool KeepsSegments(long stream)
        => _options.LadderSegmentLimit > 0 && (_options.LadderStream is null || _options.LadderStream == stream);

    private TcpConnection Finish(ConnectionKey key, ConnectionTracker tracker, bool timedOut)
    {
        Unlink(key, tracker);
        var record = tracker.Finish(timedOut);
        // Remembered for one TIME_WAIT window after the record is emitted; a connection that went idle for one
        // idle timeout more, as such a connection often resumes (Wireshark then continues its conversation).
        long keep = timedOut ? _options.IdleTimeout.Nanoseconds : _options.TimeWaitWindow.Nanoseconds;
        _recent[key] = new RecentEnd(tracker.ClosedAt ?? tracker.LastPacketTime, record.EndKind == ConnectionEndKind.Fin, _now + keep, tracker.Wireshark, tracker.Ids);
        _summary.Add(record);
        _onFinished?.Invoke(record);
        return record;
    }

    /// <summary>Finishes connections that ended and went quiet, or went silent too long; forgets 4-tuples older than one TIME_WAIT window.</summary>
    private void Sweep()
    {
        long linger = _options.CloseLinger.Nanoseconds;
        long idle = _options.IdleTimeout.Nanoseconds;
        List<(ConnectionKey, ConnectionTracker, bool)>? due = null;
        foreach (var (key, t) in AllActive())
        {
            long quiet = _now - t.LastPacketTime;
            if (t.ClosedAt is not null && quiet >= linger)
                (due ??= []).Add((key, t, false));
            else if (quiet >= idle)
                (due ??= []).Add((key, t, true));
        }
        if (due is not null)
        {
            due.Sort((a, b) => a.Item2.Record.Stream.CompareTo(b.Item2.Record.Stream));
            foreach (var (key, t, timedOut) in due)
                Finish(key, t, timedOut);
        }
        foreach (var (key, r) in _recent)
        {
            if (_now >= r.ForgetAt)
                _recent.Remove(key);
        }
    }

    /// <summary>A copy of the IP packet <paramref name="ip"/> with the 16-bit length field at <paramref name="at"/> set to <paramref name="length"/>.</summary>
    private ReadOnlySpan<byte> WithLengthField(ReadOnlySpan<byte> ip, int at, int length)
    {
        if (_offloaded.Length < ip.Length)
            _offloaded = new byte[Math.Max(ip.Length, _offloaded.Length * 2)];
        ip.CopyTo(_offloaded);
        _offloaded[at] = (byte)(length >> 8);
        _offloaded[at + 1] = (byte)length;
        return _offloaded.AsSpan(0, ip.Length);
    }

    private ReadOnlySpan<byte> Pad(ReadOnlySpan<byte> captured, int missing)
    {
        int length = captured.Length + missing;
        if (_padded.Length < length)
            _padded = new byte[Math.Max(length, _padded.Length * 2)];
        captured.CopyTo(_padded);
        _padded.AsSpan(captured.Length, missing).Clear();
        return _padded.AsSpan(0, length);
    }

    private static string? OptionText(in TcpOptions o)
    {
        var parts = new List<string>(4);
        if (o.HasMss)
            parts.Add(FormattableString.Invariant($"mss={o.Mss}"));
        if (o.HasWindowScale)
            parts.Add(FormattableString.Invariant($"ws={o.WindowScale}"));
        if (o.SackPermitted)
            parts.Add("sack_perm");
        if (o.HasTimestamps)
            parts.Add("ts");
        return parts.Count == 0 ? null : string.Join(' ', parts);
    }

    /// <summary>What is remembered about a 4-tuple after its connection was finished: for reuse, TIME_WAIT statistics and Wireshark's conversation.</summary>
    private readonly record struct RecentEnd(long EndedAt, bool CleanClose, long ForgetAt, WiresharkConversation Conversation, TunnelIds Ids);
}
