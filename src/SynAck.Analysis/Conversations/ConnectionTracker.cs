using SynAck.Analysis.Ladder;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Analysis.Conversations;

/// <summary>
/// The live state of one connection while the capture streams past: Wireshark's two flows, Zeek's endpoint
/// states, and the lifecycle facts the record reports. <see cref="Finish"/> turns it into the final record.
/// </summary>
internal sealed partial class ConnectionTracker
{
    private readonly WiresharkConversation _wireshark;
    private readonly ZeekConnectionState _zeek = new();
    private readonly int _segmentLimit;
    private bool _origIsLow;
    private bool _lowSentAck, _highSentAck;
    private bool _sawSynAck, _handshakeDone, _anyPayload, _sawRst, _firstPacketReused;
    private uint? _origFin, _respFin;
    private long _lastSynTime, _lastSynAckTime, _lastPacketTime;

    /// <param name="wireshark">The Wireshark conversation this connection belongs to: a new one, or the one an earlier connection on the 4-tuple began.</param>
    /// <param name="segmentLimit">Segments kept for the ladder diagram.</param>
    /// <param name="expertFrameLimit">Frame numbers kept per expert verdict.</param>
    public ConnectionTracker(WiresharkConversation wireshark, int segmentLimit, int expertFrameLimit)
    {
        _wireshark = wireshark;
        Record = new TcpConnection(wireshark.Stream) { Expert = new ExpertCounts(expertFrameLimit) };
        _segmentLimit = segmentLimit;
    }

    public WiresharkConversation Wireshark => _wireshark;

    /// <summary>Either side sent a FIN or a reset: Zeek's "closed", after which any SYN opens a new connection.</summary>
    public bool SawFinOrReset => _origFin is not null || _respFin is not null || _sawRst;

    public TcpConnection Record { get; }

    /// <summary>When the connection ended on the wire (both FINs and the last ACK, or a reset); null while it lives.</summary>
    public long? ClosedAt { get; private set; }

    public long LastPacketTime => _lastPacketTime;

    /// <summary>This connection began with a SYN on a 4-tuple another connection had used (Wireshark's "reused ports").</summary>
    public void MarkReused(Duration? previousEndedAgo, bool inTimeWait)
    {
        _firstPacketReused = true;
        Record.ReusedTuple = true;
        // Wireshark: a conversation opened on a reused 4-tuple starts with the SYN's completeness bit.
        _wireshark.Completeness = 1;
        _wireshark.Started = true;
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
        if (s.Fragment)
        {
            // Wireshark counts a fragment's header for completeness only; Zeek waits for the reassembled packet.
            Count(s, fromOrig);
            Touch(s);
            return;
        }
        var fwd = _wireshark.Flow(fromLow);
        var rev = _wireshark.Flow(!fromLow);

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

        bool? resetInWindow = s.Rst && !_sawRst ? ResetAcceptable(s, rev, fromLow ? _highSentAck : _lowSentAck) : null;

        var expert = WiresharkSequenceAnalysis.Analyze(fwd, rev, s, window, _wireshark.InitialRttNs);
        // Wireshark takes the initial RTT after the analysis: from the latest SYN to the first segment with ACK and without SYN.
        if (s.PureSyn)
            _wireshark.LatestSynTime = s.Time;
        else if (!s.Syn && s.HasAck && _wireshark.InitialRttNs == 0 && _wireshark.LatestSynTime != 0)
            _wireshark.InitialRttNs = Math.Max(1, s.Time - _wireshark.LatestSynTime);
        if (first && _firstPacketReused)
            expert |= TcpExpertFlags.ReusedPorts;
        rec.Expert.Add(expert, s.Frame);
        if (checksum == ChecksumVerdict.Bad)
            rec.BadChecksums++;
        else if (checksum == ChecksumVerdict.Offloaded)
            rec.OffloadedChecksums++;
        // Zeek's 'c' (and its ignoring the segment) only when verification was asked for.
        if (_zeek.Process(fromOrig, s, verifyChecksums && checksum != ChecksumVerdict.Good))
        {
            FlipRoles();
            fromOrig = !fromOrig;
        }

        if (fromLow)
            _lowSentAck |= s.HasAck;
        else
            _highSentAck |= s.HasAck;

        Count(s, fromOrig);
        TrackHandshake(s, fromOrig);
        TrackClose(s, fromOrig, resetInWindow);

        _anyPayload |= s.PayloadLength > 0;
        Touch(s);
        if (rec.KeptSegments.Count < _segmentLimit)
            rec.KeptSegments.Add(new CapturedSegment(s.Frame, new Instant(s.Time), fromOrig ? ConnectionSide.Originator : ConnectionSide.Responder,
                new SegmentSummary(s.Flags, s.Seq - fwd.BaseSeq, s.HasAck ? s.Ack - rev.BaseSeq : 0, s.Window, s.PayloadLength, s.OptionText), expert));
    }

    private void Begin(in SegmentView s, TcpEndpoint src, TcpEndpoint dst, bool fromLow)
    {
        var rec = Record;
        rec.FirstFrame = s.Frame;
        rec.Start = new Instant(s.Time);
        bool flipped = ZeekServerPorts.FlipsFirstPacket(src.Port, dst.Port, s.Syn, s.HasAck);
        _origIsLow = flipped ? !fromLow : fromLow;
        rec.Originator = flipped ? dst : src;
        rec.Responder = flipped ? src : dst;
        rec.Midstream = !s.PureSyn;
        if (flipped)
            _zeek.Flip();
    }

    private void Touch(in SegmentView s)
    {
        _lastPacketTime = s.Time;
        Record.LastFrame = s.Frame;
        Record.End = new Instant(s.Time);
    }

    /// <summary>
    /// Zeek turned the connection around after it began with an unflipped SYN-ACK (see
    /// <see cref="ZeekConnectionState.Process"/>): that first packet becomes the responder's SYN-ACK.
    /// </summary>
    private void FlipRoles()
    {
        var rec = Record;
        _origIsLow = !_origIsLow;
        (rec.Originator, rec.Responder) = (rec.Responder, rec.Originator);
        (rec.OriginatorPackets, rec.ResponderPackets) = (rec.ResponderPackets, rec.OriginatorPackets);
        (rec.OriginatorBytes, rec.ResponderBytes) = (rec.ResponderBytes, rec.OriginatorBytes);
        (rec.OriginatorIpBytes, rec.ResponderIpBytes) = (rec.ResponderIpBytes, rec.OriginatorIpBytes);
        rec.SynAckCount = 1;
        rec.SynAckTime = rec.Start;
        _lastSynAckTime = rec.Start.Nanoseconds;
        _sawSynAck = true;
        for (int i = 0; i < rec.KeptSegments.Count; i++)
        {
            var k = rec.KeptSegments[i];
            rec.KeptSegments[i] = k with { From = k.From == ConnectionSide.Originator ? ConnectionSide.Responder : ConnectionSide.Originator };
        }
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

        _wireshark.Completeness = NextCompleteness(_wireshark.Completeness, s, !_wireshark.Started);
        _wireshark.Started = true;
        rec.Completeness = _wireshark.Completeness;
    }

    /// <summary>
    /// Wireshark's <c>tcp.completeness</c> bits (1 SYN, 2 SYN-ACK, 4 ACK, 8 data, 16 FIN, 32 RST) after one more
    /// segment. Wireshark's rules: the first packet of a conversation counts only when it is a SYN (1, and 8 when
    /// it carries data, TCP Fast Open); a conversation opened by a SYN on a reused 4-tuple starts at 1; later, a
    /// segment counts as ACK (4) or data (8) only when it has ACK and not SYN, a FIN only together with ACK, a
    /// reset always, and a later SYN never (a retransmitted SYN adds nothing).
    /// </summary>
    internal static int NextCompleteness(int c, in SegmentView s, bool opensConversation)
    {
        if (opensConversation)
            return s.PureSyn ? 1 | (s.PayloadLength > 0 ? 8 : 0) : 0;
        if (s.SynAck)
            c |= 2;
        if ((s.Flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Ack)
            c |= s.PayloadLength > 0 ? 8 : 4;
        if (s.Fin && s.HasAck)
            c |= 16;
        if (s.Rst)
            c |= 32;
        return c;
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
        rec.MissedBytes = _zeek.MissedBytes;
        rec.ZeekOriginatorBytes = _zeek.OrigSize;
        rec.ZeekResponderBytes = _zeek.RespSize;
        rec.Tunnel = BuildTunnel();
        rec.InitialRtt = _wireshark.InitialRttNs > 0 ? new Duration(_wireshark.InitialRttNs) : null;
        rec.EndKind = _sawRst ? (rec.ActiveCloser is not null && rec.ResetPhase == Conversations.ResetPhase.AfterFin ? ConnectionEndKind.FinThenRst : ConnectionEndKind.Rst)
            : _origFin is not null && _respFin is not null ? ConnectionEndKind.Fin
            : timedOut ? ConnectionEndKind.TimedOut
            : ConnectionEndKind.Open;
        return rec;
    }
}
