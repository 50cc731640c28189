namespace SynAck.Analysis.Conversations;

/// <summary>
/// The holes in what one side sent, as Zeek's reassembler sees them: bytes beyond the highest seen so far open a
/// hole before them, later segments fill holes, and the peer's acknowledgment of a hole gives it up as a content
/// gap (Zeek's <c>content_gap</c>, which makes history 'g' and <c>missed_bytes</c>). Sequence comparisons are
/// modular (RFC 9293 §3.4).
/// </summary>
internal sealed class ZeekSequenceHoles
{
    /// <summary>Holes remembered at most; a side with more has a capture too damaged to count exactly.</summary>
    private const int MaxHoles = 16;

    private readonly List<(uint Start, uint End)> _holes = [];
    private bool _started;
    private uint _highest;
    private uint? _fin;

    /// <summary>
    /// A segment of this side: <paramref name="length"/> data bytes from <paramref name="seq"/> (after a SYN's
    /// octet), with SYN or FIN. A SYN sets where the data starts; without one, the first data segment does.
    /// </summary>
    public void Sent(uint seq, int length, bool syn, bool fin)
    {
        uint end = seq + (uint)length;
        if (fin)
            _fin = end;
        if (syn && !_started)
        {
            _started = true;
            _highest = seq;
        }
        if (length <= 0)
            return;
        if (!_started)
        {
            _started = true;
            _highest = end;
            return;
        }
        if (Gt(seq, _highest) && _holes.Count < MaxHoles)
            _holes.Add((_highest, seq));
        if (Gt(end, _highest))
            _highest = end;
        for (int i = _holes.Count - 1; i >= 0; i--)
        {
            var (start, stop) = _holes[i];
            if (!Lt(seq, stop) || !Gt(end, start))
                continue;
            _holes.RemoveAt(i);
            if (Lt(start, seq))
                _holes.Add((start, seq));
            if (Gt(stop, end))
                _holes.Add((end, stop));
        }
    }

    /// <summary>
    /// The peer acknowledged up to <paramref name="ack"/>: the holes (and the unseen bytes past the highest seen)
    /// it passes over are given up. Returns their bytes; <paramref name="gaps"/> counts them.
    /// </summary>
    public long Acked(uint ack, out int gaps)
    {
        gaps = 0;
        if (!_started)
            return 0;
        // The FIN's octet is no data.
        if (_fin is { } fin && ack == fin + 1)
            ack = fin;
        long missed = 0;
        for (int i = _holes.Count - 1; i >= 0; i--)
        {
            var (start, stop) = _holes[i];
            if (!Gt(ack, start))
                continue;
            uint upTo = Lt(ack, stop) ? ack : stop;
            missed += upTo - start;
            gaps++;
            if (upTo == stop)
                _holes.RemoveAt(i);
            else
                _holes[i] = (upTo, stop);
        }
        if (Gt(ack, _highest))
        {
            missed += ack - _highest;
            gaps++;
            _highest = ack;
        }
        return missed;
    }

    private static bool Gt(uint a, uint b) => (int)(a - b) > 0;

    private static bool Lt(uint a, uint b) => (int)(a - b) < 0;
}
