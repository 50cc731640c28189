using SynAck.Analysis.Ladder;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Analysis.Conversations;

/// <summary>
/// The live state of one connection while the capture streams past: Wireshark's two flows, Zeek's endpoint
/// states, and the lifecycle facts the record reports. <see cref="Finish"/> turns it into the final record.
/// </summary>
internal sealed class ConnectionTracker
{
    private readonly WiresharkFlow _low = new();
    private readonly WiresharkFlow _high = new();
    private readonly ZeekConnectionState _zeek = new();
    private readonly int _segmentLimit;
    private bool _origIsLow;
    private bool _lowSentAck, _highSentAck;
    private bool _sawSynAck, _handshakeDone, _anyPayload, _sawRst, _firstPacketReused;
    private uint? _origFin, _respFin;
    private long _lastSynTime, _lastSynAckTime, _latestSynTime, _lastPacketTime;
    private long _initialRttNs;

    public ConnectionTracker(long stream, int segmentLimit, int expertFrameLimit)
    {
        Record = new TcpConnection(stream) { Expert = new ExpertCounts(expertFrameLimit) };
        _segmentLimit = segmentLimit;
    }

    public TcpConnection Record { get; }

    /// <summary>When the connection ended on the wire (both FINs and the last ACK, or a reset); null while it lives.</summary>
    public long? ClosedAt { get; private set; }

    public long LastPacketTime => _lastPacketTime;

    /// <summary>The ISN base of the direction that sends from the low (<paramref name="fromLow"/>) or high endpoint, when known.</summary>
    public bool TryGetBase(bool fromLow, out uint baseSeq)
    {
        var flow = fromLow ? _low : _high;
        baseSeq = flow.BaseSeq;
        return flow.BaseSet;
    }

    /// <summary>This connection began with a SYN on a 4-tuple another connection had used (Wireshark's "reused ports").</summary>
    public void MarkReused(Duration? previousEndedAgo, bool inTimeWait)
    {
        _firstPacketReused = true;
        Record.ReusedTuple = true;
        Record.PreviousOnTupleEndedAgo = previousEndedAgo;
        Record.SynDuringTimeWait = inTimeWait;
    }

    public void Process(in SegmentView s, TcpEndpoint src, TcpEndpoint dst, bool fromLow, ChecksumVerdict checksum, bool verifyChecksums)
    {
        var rec = Record;
        bool first = rec.FirstFrame == 0;
        if (first)
            Begin(s, src, dst, fromLow);
        bool fromOrig = fromLow == _origIsLow;
        var fwd = fromLow ? _low : _high;
        var rev = fromLow ? _high : _low;

        if (!fwd.BaseSet)
        {
            fwd.BaseSeq = s.Syn ? s.Seq : s.Seq - 1;
            fwd.BaseSet = true;
        }
        if (!rev.BaseSet && s.HasAck)
        {
            rev.BaseSeq = s.Ack - 1;
            rev.BaseSet = true;
        }

        WiresharkSequenceAnalysis.NoteWindowScale(fwd, rev, s);
        uint window = WiresharkSequenceAnalysis.ScaledWindow(fwd, s);
        bool resentPayload = s.PayloadLength > 0 && fwd.NextSeq != 0 && (int)(s.Seq - fwd.NextSeq) < 0;
        if (s.PureSyn)
            _latestSynTime = s.Time;
        if (s.Flags == TcpFlags.Ack && _initialRttNs == 0 && _latestSynTime != 0)
            _initialRttNs = Math.Max(1, s.Time - _latestSynTime);

        bool? resetInWindow = s.Rst && !_sawRst ? ResetAcceptable(s, rev, fromLow ? _highSentAck : _lowSentAck) : null;

        var expert = WiresharkSequenceAnalysis.Analyze(fwd, rev, s, window, _initialRttNs);
        if (first && _firstPacketReused)
            expert |= TcpExpertFlags.ReusedPorts;
        rec.Expert.Add(expert, s.Frame);
        if ((expert & TcpExpertFlags.AckedUnseenSegment) != 0)
            _zeek.ContentGap(!fromOrig);
        if (checksum == ChecksumVerdict.Bad)
            rec.BadChecksums++;
        else if (checksum == ChecksumVerdict.Offloaded)
            rec.OffloadedChecksums++;
        // Zeek's 'c' (and its ignoring the segment) only when verification was asked for.
        _zeek.Process(fromOrig, s, resentPayload, verifyChecksums && checksum != ChecksumVerdict.Good);

        if (fromLow)
            _lowSentAck |= s.HasAck;
        else
            _highSentAck |= s.HasAck;

        Count(s, fromOrig);
        TrackHandshake(s, fromOrig);
        TrackClose(s, fromOrig, resetInWindow);

        _anyPayload |= s.PayloadLength > 0;
        _lastPacketTime = s.Time;
        rec.LastFrame = s.Frame;
        rec.End = new Instant(s.Time);
        if (rec.KeptSegments.Count < _segmentLimit)
            rec.KeptSegments.Add(new CapturedSegment(s.Frame, new Instant(s.Time), fromOrig ? ConnectionSide.Originator : ConnectionSide.Responder,
                new SegmentSummary(s.Flags, s.Seq - fwd.BaseSeq, s.HasAck ? s.Ack - rev.BaseSeq : 0, s.Window, s.PayloadLength, s.OptionText), expert));
    }

    private void Begin(in SegmentView s, TcpEndpoint src, TcpEndpoint dst, bool fromLow)
    {
        var rec = Record;
        rec.FirstFrame = s.Frame;
        rec.Start = new Instant(s.Time);
        // Zeek's rule: a SYN-ACK first means its receiver opened the connection.
        bool flipped = s.SynAck;
        _origIsLow = flipped ? !fromLow : fromLow;
        rec.Originator = flipped ? dst : src;
        rec.Responder = flipped ? src : dst;
        rec.Midstream = !s.PureSyn;
        if (flipped)
            _zeek.Flip();
    }

    private void Count(in SegmentView s, bool fromOrig)
    {
        var rec = Record;
        if (fromOrig)
        {
            rec.OriginatorPackets++;
            rec.OriginatorBytes += s.PayloadLength;
            rec.OriginatorIpBytes += s.IpLength;
        }
        else
        {
            rec.ResponderPackets++;
            rec.ResponderBytes += s.PayloadLength;
            rec.ResponderIpBytes += s.IpLength;
        }

        int c = rec.Completeness;
        if (s.Syn)
            c |= s.HasAck ? 2 : 1;
        else if (s.HasAck)
            c |= 4;
        if (s.PayloadLength > 0)
            c |= 8;
        if (s.Fin)
            c |= 16;
        if (s.Rst)
            c |= 32;
        rec.Completeness = c;
    }

    private void TrackHandshake(in SegmentView s, bool fromOrig)
    {
        var rec = Record;
        if (s.PureSyn && fromOrig)
        {
            if (rec.SynCount > 0)
                rec.SynGaps.Add(new Duration(s.Time - _lastSynTime));
            rec.SynCount++;
            _lastSynTime = s.Time;
            rec.SynTime ??= new Instant(s.Time);
        }
        else if (s.SynAck && !fromOrig)
        {
            if (rec.SynAckCount > 0)
                rec.SynAckGaps.Add(new Duration(s.Time - _lastSynAckTime));
            rec.SynAckCount++;
            _lastSynAckTime = s.Time;
            rec.SynAckTime ??= new Instant(s.Time);
            _sawSynAck = true;
        }
        else if (_sawSynAck && fromOrig && s.HasAck && !s.Syn)
        {
            _handshakeDone = true;
        }
    }

    private void TrackClose(in SegmentView s, bool fromOrig, bool? resetInWindow)
    {
        var rec = Record;
        if (s.Fin)
        {
            ref var mine = ref fromOrig ? ref _origFin : ref _respFin;
            var other = fromOrig ? _respFin : _origFin;
            if (mine is null)
            {
                mine = s.Seq + (uint)s.PayloadLength;
                if (rec.ActiveCloser is null)
                {
                    rec.ActiveCloser = fromOrig ? ConnectionSide.Originator : ConnectionSide.Responder;
                    rec.FirstFinTime = new Instant(s.Time);
                }
                else if (other is not null)
                {
                    rec.SecondFinTime = new Instant(s.Time);
                    ClosedAt = s.Time;
                }
            }
        }
        if (_origFin is { } of && _respFin is { } rf && !rec.FinalAckSeen && rec.ActiveCloser is { } closer && s.HasAck)
        {
            bool fromCloser = fromOrig == (closer == ConnectionSide.Originator);
            uint passiveFin = closer == ConnectionSide.Originator ? rf : of;
            if (fromCloser && s.Ack == passiveFin + 1)
            {
                rec.FinalAckSeen = true;
                ClosedAt = s.Time;
            }
        }
        if (s.Rst)
        {
            if (!_sawRst)
            {
                _sawRst = true;
                rec.ResetBy = fromOrig ? ConnectionSide.Originator : ConnectionSide.Responder;
                rec.ResetTime = new Instant(s.Time);
                if (rec.FirstFrame != s.Frame)
                    rec.ResetAfterIdle = new Duration(s.Time - _lastPacketTime);
                rec.ResetInWindow = resetInWindow;
                rec.ResetPhase = rec.ActiveCloser is not null ? Conversations.ResetPhase.AfterFin
                    : _anyPayload || s.PayloadLength > 0 ? Conversations.ResetPhase.MidStream
                    : _handshakeDone || rec.Midstream ? Conversations.ResetPhase.AfterHandshake
                    : Conversations.ResetPhase.Handshake;
            }
            ClosedAt = s.Time;
        }
    }

    /// <summary>
    /// RFC 9293 §3.10.7: a reset is acceptable when its sequence number lies in the receiver's window; to a
    /// receiver that has sent nothing but a SYN (§3.10.7.3), when it acknowledges that SYN.
    /// </summary>
    private static bool? ResetAcceptable(in SegmentView s, WiresharkFlow receiver, bool receiverSentAck)
    {
        if (receiverSentAck)
            return s.Seq - receiver.LastAck < Math.Max(receiver.Window, 1u);
        if (receiver.NextSeq != 0)
            return s.HasAck && s.Ack == receiver.NextSeq;
        return null;
    }

    /// <summary>Fills in the verdicts that need the whole connection; <paramref name="timedOut"/> when it went silent past the idle timeout.</summary>
    public TcpConnection Finish(bool timedOut)
    {
        var rec = Record;
        rec.ConnState = _zeek.ConnState;
        rec.History = _zeek.History;
        rec.InitialRtt = _initialRttNs > 0 ? new Duration(_initialRttNs) : null;
        rec.EndKind = _sawRst ? (rec.ActiveCloser is not null && rec.ResetPhase == Conversations.ResetPhase.AfterFin ? ConnectionEndKind.FinThenRst : ConnectionEndKind.Rst)
            : _origFin is not null && _respFin is not null ? ConnectionEndKind.Fin
            : timedOut ? ConnectionEndKind.TimedOut
            : ConnectionEndKind.Open;
        return rec;
    }
}
