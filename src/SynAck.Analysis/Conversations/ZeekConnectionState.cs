using System.Text;
using System.Text.RegularExpressions;

namespace SynAck.Analysis.Conversations;

/// <summary>
/// Follows a connection the way Zeek's TCP analyzer does: a small state machine per endpoint (inactive, SYN sent,
/// SYN-ACK sent, partial, established, closed, reset) that yields <c>conn_state</c>, and the <c>history</c>
/// string with Zeek's repetition rules — a, d, i, q once per direction; f, h, r, s again only when the
/// sequence number changes; c, g, t, w at the 1st, 10th, 100th ... occurrence.
/// </summary>
internal sealed partial class ZeekConnectionState
{
    private const int MaxHistory = 256;

    /// <summary>Zeek's bound on a believable jump in sequence numbers (TOO_LARGE_SEQ_DELTA).</summary>
    private const int TooLargeSeqDelta = 1_048_576;

    private readonly StringBuilder _history = new();
    private DirectionHistory _orig = new();
    private DirectionHistory _resp = new();
    private ZeekEndpointState _origState, _respState, _origPrev, _respPrev;

    public long OrigPayloadBytes { get; private set; }

    public long RespPayloadBytes { get; private set; }

    public string History => _history.ToString();

    /// <summary>Marks that Zeek would have flipped the endpoints: the first packet seen was a SYN-ACK.</summary>
    public void Flip() => _history.Append('^');

    /// <summary>
    /// Follows one segment from the originator (<paramref name="isOrig"/>) or the responder. Returns true when
    /// Zeek turns the connection around on it: the connection began with a SYN-ACK that was not flipped, and
    /// now a pure ACK or data shows it was no stealth scan, so the SYN-ACK's sender becomes the responder (its
    /// history becomes "^h") and this segment's side changes with it.
    /// </summary>
    public bool Process(bool isOrig, in SegmentView s, bool checksumBad)
    {
        var dir = isOrig ? _orig : _resp;
        if (checksumBad)
        {
            // Zeek drops a segment with a bad checksum after noting it.
            Logarithmic(isOrig, 'c', ref dir.BadChecksums, ref dir.BadChecksumThreshold);
            return false;
        }
        bool flipped = false;
        if (!s.Syn && !s.Fin && !s.Rst && (s.PayloadLength > 0 || s.HasAck) && _history.Length == 1 && _history[0] == 'H')
        {
            (_orig, _resp) = (_resp, _orig);
            (_origState, _respState) = (_respState, _origState);
            (_origPrev, _respPrev) = (_respPrev, _origPrev);
            (OrigPayloadBytes, RespPayloadBytes) = (RespPayloadBytes, OrigPayloadBytes);
            _history.Clear().Append("^h");
            isOrig = !isOrig;
            dir = isOrig ? _orig : _resp;
            flipped = true;
        }
        var me = isOrig ? _origState : _respState;
        var peer = isOrig ? _respState : _origState;
        InitSequence(dir, me, s);
        if (s.HasAck)
            NoteAck(isOrig ? _resp : _orig, peer, s);
        if (s.Fin)
            dir.Fins++;
        RecordHistory(isOrig, dir, s);
        // Zeek's zero-window rule: not on a reset, not after this side's reset, not once the peer closed.
        if (s.Window == 0 && !s.Rst && peer != ZeekEndpointState.Closed && me != ZeekEndpointState.Reset)
            Logarithmic(isOrig, 'w', ref dir.ZeroWindows, ref dir.ZeroWindowThreshold);
        UpdateLastSeq(isOrig, dir, me, s);
        if (isOrig)
            OrigPayloadBytes += s.PayloadLength;
        else
            RespPayloadBytes += s.PayloadLength;
        UpdateStates(isOrig, s);
        if (s.HasAck)
            NoteGaps(!isOrig, s.Ack);
        dir.Holes.Sent(s.Syn ? s.Seq + 1 : s.Seq, s.PayloadLength, s.Syn, s.Fin);
        return flipped;
    }

    /// <summary>Zeek's <c>orig_bytes</c>: the originator's sequence space used, not counting SYN and FIN (retransmissions once).</summary>
    public long OrigSize => Size(_orig, _origState, _origPrev, _respState);

    /// <summary>Zeek's <c>resp_bytes</c>.</summary>
    public long RespSize => Size(_resp, _respState, _respPrev, _origState);

    /// <summary>
    /// Zeek's endpoint size: from its start to the further of the highest sequence number it sent and the highest
    /// its peer acknowledged, less the SYN's and the FIN's octets; 0 for a side whose SYN was answered by a reset
    /// that acknowledged something else (a half-open connection discovered and aborted).
    /// </summary>
    private static long Size(DirectionHistory dir, ZeekEndpointState state, ZeekEndpointState previous, ZeekEndpointState peer)
    {
        if (previous == ZeekEndpointState.SynSent && state == ZeekEndpointState.Reset && peer == ZeekEndpointState.Inactive
            && dir.AckSeq != dir.StartSeq && dir.AckSeq != dir.StartSeq + 1)
            return 0;
        long size = (int)(dir.LastSeq - dir.AckSeq) > 0 ? (uint)(dir.LastSeq - dir.StartSeq) : (uint)(dir.AckSeq - dir.StartSeq);
        if (size != 0)
            size--;
        if (dir.Fins > 0 && size != 0)
            size--;
        return size;
    }

    /// <summary>
    /// An ACK towards <paramref name="receiver"/>: if it has sent nothing yet, its sequence space starts one before
    /// the acknowledged number; otherwise the highest acknowledgment (not trusted on a reset) moves forward.
    /// </summary>
    private static void NoteAck(DirectionHistory receiver, ZeekEndpointState receiverState, in SegmentView s)
    {
        if (receiverState == ZeekEndpointState.Inactive)
        {
            receiver.StartSeq = s.Ack - 1;
            receiver.AckSeq = s.Ack - 1;
            receiver.LastSeq = s.Ack - 1;
        }
        else if (!s.Rst && (int)(s.Ack - receiver.AckSeq) > 0)
        {
            receiver.AckSeq = s.Ack;
        }
    }

    /// <summary>Bytes of content gaps given up in both directions (Zeek's <c>missed_bytes</c>).</summary>
    public long MissedBytes { get; private set; }

    /// <summary>
    /// An acknowledgment of the <paramref name="senderIsOrig"/> side's data: holes it passes over are content gaps,
    /// counted (history 'g', <c>missed_bytes</c>) only while both sides are established or closing cleanly from
    /// there, as in Zeek, where other states make false gaps (resets, partial connections).
    /// </summary>
    private void NoteGaps(bool senderIsOrig, uint ack)
    {
        var sender = senderIsOrig ? _orig : _resp;
        long missed = sender.Holes.Acked(ack, out int gaps);
        if (gaps == 0 || !CleanlyEstablished(_origState, _origPrev) || !CleanlyEstablished(_respState, _respPrev))
            return;
        MissedBytes += missed;
        for (int i = 0; i < gaps; i++)
            Logarithmic(senderIsOrig, 'g', ref sender.Gaps, ref sender.GapThreshold);
    }

    private static bool CleanlyEstablished(ZeekEndpointState state, ZeekEndpointState previous)
        => state == ZeekEndpointState.Established || (state == ZeekEndpointState.Closed && previous == ZeekEndpointState.Established);

    /// <summary>Where Zeek starts a side's sequence space: at its SYN, or one before its first segment when no SYN was seen.</summary>
    private static void InitSequence(DirectionHistory dir, ZeekEndpointState state, in SegmentView s)
    {
        uint end = s.Seq + s.SequenceSpace;
        if (state == ZeekEndpointState.Inactive)
        {
            dir.StartSeq = s.Syn ? s.Seq : s.Seq - 1;
            dir.AckSeq = dir.StartSeq;
            // A first segment without SYN does not count as a repeat of itself.
            dir.LastSeq = s.Syn ? end : s.Seq;
        }
        else if (state is ZeekEndpointState.SynSent or ZeekEndpointState.SynAckSent && s.Syn && s.Seq != dir.StartSeq)
        {
            dir.StartSeq = s.Seq;
            dir.AckSeq = s.Seq;
            dir.LastSeq = end;
        }
    }

    /// <summary>
    /// Zeek's retransmission rule ('t'): a segment with data that does not reach past the highest sequence number
    /// its side has sent. SYNs and resets far off the sequence space, and anything after the side's own reset,
    /// are not trusted either way.
    /// </summary>
    private void UpdateLastSeq(bool isOrig, DirectionHistory dir, ZeekEndpointState state, in SegmentView s)
    {
        uint end = s.Seq + s.SequenceSpace;
        int delta = (int)(end - dir.LastSeq);
        if ((s.Syn || s.Rst) && (delta > TooLargeSeqDelta || delta < -TooLargeSeqDelta))
            return;
        if (s.Fin && dir.LastSeq == dir.StartSeq + 1)
            dir.LastSeq = end;
        else if (state == ZeekEndpointState.Reset)
            return;
        else if (delta > 0)
            dir.LastSeq = end;
        else if (s.PayloadLength > 0)
            Logarithmic(isOrig, 't', ref dir.Retransmissions, ref dir.RetransmissionThreshold);
    }


    /// <summary>
    /// Zeek's history letters for one segment: a segment with two of SYN, FIN, RST is only 'q' (or 'i' for FIN
    /// with RST); with one of them, its letter again only when its sequence number changed (a FIN's is the
    /// one after its data); with none, 'd' for data or else 'a' for an ACK, once per direction.
    /// </summary>
    private void RecordHistory(bool isOrig, DirectionHistory dir, in SegmentView s)
    {
        bool syn = s.Syn, fin = s.Fin, rst = s.Rst;
        int controls = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
        if (controls > 1)
        {
            if (fin && rst)
                Once(isOrig, 'i', ref dir.SawInconsistent);
            else
                Once(isOrig, 'q', ref dir.SawMultiFlag);
        }
        else if (syn)
        {
            OnSeqChange(isOrig, s.HasAck ? 'h' : 's', ref dir.SynSeq, s.Seq);
        }
        else if (fin)
        {
            OnSeqChange(isOrig, 'f', ref dir.FinSeq, s.Seq + (uint)s.PayloadLength);
        }
        else if (rst)
        {
            OnSeqChange(isOrig, 'r', ref dir.RstSeq, s.Seq);
        }
        else if (s.PayloadLength > 0)
        {
            Once(isOrig, 'd', ref dir.SawData);
        }
        else if (s.HasAck)
        {
            Once(isOrig, 'a', ref dir.SawAck);
        }
    }

    private void Append(bool isOrig, char letter)
    {
        if (_history.Length < MaxHistory)
            _history.Append(isOrig ? char.ToUpperInvariant(letter) : letter);
    }

    private void Once(bool isOrig, char letter, ref bool seen)
    {
        if (seen)
            return;
        seen = true;
        Append(isOrig, letter);
    }

    private void OnSeqChange(bool isOrig, char letter, ref uint? lastSeq, uint seq)
    {
        if (lastSeq == seq)
            return;
        lastSeq = seq;
        Append(isOrig, letter);
    }

    private void Logarithmic(bool isOrig, char letter, ref int count, ref int threshold)
    {
        count++;
        if (threshold == 0)
            threshold = 1;
        if (count != threshold)
            return;
        threshold = threshold >= int.MaxValue / 10 ? int.MaxValue : threshold * 10;
        Append(isOrig, letter);
    }

    private sealed class DirectionHistory
    {
        public bool SawAck, SawData, SawInconsistent, SawMultiFlag;
        public uint? SynSeq, FinSeq, RstSeq;
        public uint StartSeq, LastSeq, AckSeq;
        public int Fins;
        public readonly ZeekSequenceHoles Holes = new();
        public int BadChecksums, BadChecksumThreshold, Gaps, GapThreshold, Retransmissions, RetransmissionThreshold, ZeroWindows, ZeroWindowThreshold;
    }

    [GeneratedRegex(@"^\^?S[^HAFGIQ]*R", RegexOptions.CultureInvariant)]
    private static partial Regex OriginatorResetBeforeAnswer();
}
