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

    private readonly StringBuilder _history = new();
    private readonly DirectionHistory _orig = new();
    private readonly DirectionHistory _resp = new();
    private ZeekEndpointState _origState, _respState, _origPrev, _respPrev;

    public long OrigPayloadBytes { get; private set; }

    public long RespPayloadBytes { get; private set; }

    public string History => _history.ToString();

    /// <summary>Marks that Zeek would have flipped the endpoints: the first packet seen was a SYN-ACK.</summary>
    public void Flip() => _history.Append('^');

    public void Process(bool isOrig, in SegmentView s, bool retransmittedPayload, bool checksumBad)
    {
        var dir = isOrig ? _orig : _resp;
        if (checksumBad)
        {
            // Zeek drops a segment with a bad checksum after noting it.
            Logarithmic(isOrig, 'c', ref dir.BadChecksums, ref dir.BadChecksumThreshold);
            return;
        }
        RecordHistory(isOrig, dir, s, retransmittedPayload);
        if (isOrig)
            OrigPayloadBytes += s.PayloadLength;
        else
            RespPayloadBytes += s.PayloadLength;
        UpdateStates(isOrig, s);
    }

    /// <summary>A gap in one direction's data (an ACK for bytes never seen), Zeek's 'g'.</summary>
    public void ContentGap(bool isOrig)
    {
        var dir = isOrig ? _orig : _resp;
        Logarithmic(isOrig, 'g', ref dir.Gaps, ref dir.GapThreshold);
    }

    private void RecordHistory(bool isOrig, DirectionHistory dir, in SegmentView s, bool retransmittedPayload)
    {
        bool syn = s.Syn, fin = s.Fin, rst = s.Rst;
        if (syn && (fin || rst))
            Once(isOrig, 'q', ref dir.SawMultiFlag);
        else if (fin && rst)
            Once(isOrig, 'i', ref dir.SawInconsistent);

        if (syn)
        {
            if (s.HasAck)
                OnSeqChange(isOrig, 'h', ref dir.SynAckSeq, s.Seq);
            else
                OnSeqChange(isOrig, 's', ref dir.SynSeq, s.Seq);
        }
        if (fin)
            OnSeqChange(isOrig, 'f', ref dir.FinSeq, s.Seq);
        if (rst)
            OnSeqChange(isOrig, 'r', ref dir.RstSeq, s.Seq);
        if (s.HasAck && s.PayloadLength == 0 && !syn && !fin && !rst)
            Once(isOrig, 'a', ref dir.SawAck);
        if (s.PayloadLength > 0)
            Once(isOrig, 'd', ref dir.SawData);
        if (retransmittedPayload)
            Logarithmic(isOrig, 't', ref dir.Retransmissions, ref dir.RetransmissionThreshold);
        if (s.Window == 0 && !rst && !syn)
            Logarithmic(isOrig, 'w', ref dir.ZeroWindows, ref dir.ZeroWindowThreshold);
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
        public uint? SynSeq, SynAckSeq, FinSeq, RstSeq;
        public int BadChecksums, BadChecksumThreshold, Gaps, GapThreshold, Retransmissions, RetransmissionThreshold, ZeroWindows, ZeroWindowThreshold;
    }

    [GeneratedRegex(@"^\^?S[^HAFGIQ]*R", RegexOptions.CultureInvariant)]
    private static partial Regex OriginatorResetBeforeAnswer();
}
