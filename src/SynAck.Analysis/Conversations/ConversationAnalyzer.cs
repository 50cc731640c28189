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
/// </summary>
/// <remarks>Not thread-safe. Packets must be added in capture order.</remarks>
public sealed class ConversationAnalyzer
{
    private static readonly long SweepIntervalNs = Duration.FromSeconds(1).Nanoseconds;

    private readonly AnalyzerOptions _options;
    private readonly Action<TcpConnection>? _onFinished;
    private readonly Dictionary<ConnectionKey, ConnectionTracker> _active = [];
    private readonly Dictionary<ConnectionKey, RecentEnd> _recent = [];
    private readonly SummaryBuilder _summary;
    private byte[] _padded = new byte[2048];
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
    public int ActiveConnections => _active.Count;

    /// <summary>4-tuples and destinations remembered in any form: followed connections, recently ended ones, recent closes per TIME_WAIT holder.</summary>
    internal int RetainedEntries => _active.Count + _recent.Count + _summary.TrackedDestinations;

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
        var link = LinkLayer.Decode(record.LinkType, record.Data.Span, out var ipBytes);
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
        // Checksums are judged below, never a reason to drop the packet here (as in Wireshark and Zeek).
        var status = IpPacket.TryParse(ipBytes, out var ip, verifyChecksum: false);
        if (status == WireStatus.Fragment)
        {
            _fragments++;
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
        if (TcpPacket.TryParse(ip.Payload, ip.Source, ip.Destination, out var tcp, verifyChecksum: false) != WireStatus.Ok
            || ip.HeaderLength + tcp.HeaderLength > capturedIp)
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
        var segment = new SegmentView(record.FrameNumber, record.TimestampNanoseconds, tcp.Seq.Value, tcp.Ack.Value, tcp.Payload.Length,
            tcp.Flags, tcp.Window, options.HasWindowScale, options.WindowScale, ip.TotalLength,
            KeepsSegments(_nextStream) && (tcp.Flags & TcpFlags.Syn) != 0 ? OptionText(options) : null);
        Process(segment, src, dst, checksum);
    }

    /// <summary>Finishes every connection still followed (open or timed out, judged at the last packet's time).</summary>
    public void Complete()
    {
        foreach (var (key, tracker) in _active.OrderBy(p => p.Value.Record.Stream).ToList())
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

        var key = ConnectionKey.For(src, dst, out bool fromLow);
        if (_active.TryGetValue(key, out var tracker))
        {
            // Wireshark: a SYN whose sequence number differs from the known ISN of its direction is a new connection.
            if (s.PureSyn && tracker.TryGetBase(fromLow, out uint isn) && isn != s.Seq)
            {
                var previous = Finish(key, tracker, timedOut: false);
                long endedAt = tracker.ClosedAt ?? tracker.LastPacketTime;
                tracker = Create(key, s);
                tracker.MarkReused(new Duration(s.Time - endedAt), InTimeWait(previous, endedAt, s.Time));
                _recent.Remove(key);
            }
        }
        else
        {
            tracker = Create(key, s);
            if (_recent.Remove(key, out var ended) && s.PureSyn && !(ended.BaseKnown(fromLow) && ended.Base(fromLow) == s.Seq))
                tracker.MarkReused(new Duration(s.Time - ended.EndedAt), ended.CleanClose && s.Time - ended.EndedAt < _options.TimeWaitWindow.Nanoseconds);
        }
        tracker.Process(s, src, dst, fromLow, checksum, _options.VerifyChecksums);
    }

    private bool InTimeWait(TcpConnection previous, long endedAt, long now)
        => previous.EndKind == ConnectionEndKind.Fin && now - endedAt < _options.TimeWaitWindow.Nanoseconds;

    private ConnectionTracker Create(ConnectionKey key, in SegmentView s)
    {
        long stream = _nextStream++;
        var tracker = new ConnectionTracker(stream, KeepsSegments(stream) ? _options.LadderSegmentLimit : 0, _options.ExpertFrameLimit);
        _active[key] = tracker;
        return tracker;
    }

    private bool KeepsSegments(long stream)
        => _options.LadderSegmentLimit > 0 && (_options.LadderStream is null || _options.LadderStream == stream);

    private TcpConnection Finish(ConnectionKey key, ConnectionTracker tracker, bool timedOut)
    {
        _active.Remove(key);
        var record = tracker.Finish(timedOut);
        bool lowKnown = tracker.TryGetBase(true, out uint lowBase);
        bool highKnown = tracker.TryGetBase(false, out uint highBase);
        _recent[key] = new RecentEnd(tracker.ClosedAt ?? tracker.LastPacketTime, record.EndKind == ConnectionEndKind.Fin,
            lowKnown, lowBase, highKnown, highBase);
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
        foreach (var (key, t) in _active)
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
        long window = _options.TimeWaitWindow.Nanoseconds;
        foreach (var (key, r) in _recent)
        {
            if (_now - r.EndedAt >= window)
                _recent.Remove(key);
        }
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

    /// <summary>What is remembered about a 4-tuple after its connection was finished: for reuse and TIME_WAIT statistics.</summary>
    private readonly record struct RecentEnd(long EndedAt, bool CleanClose, bool LowKnown, uint LowBase, bool HighKnown, uint HighBase)
    {
        public bool BaseKnown(bool fromLow) => fromLow ? LowKnown : HighKnown;

        public uint Base(bool fromLow) => fromLow ? LowBase : HighBase;
    }
}
