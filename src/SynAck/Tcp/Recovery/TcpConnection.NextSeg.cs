using SynAck.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// RFC 6675 §4 IsLost and SetPipe, and NextSeg's rules 3 and 4 (rules 1 and 2 are <c>RetransmitHoles</c> and
/// <c>SendData</c>, run before). Without RACK a hole is lost once DupThresh SACKed ranges or more than (DupThresh − 1)·SMSS
/// SACKed bytes lie above it. With RACK (RFC 8985 §6.2 replaces the count with time) a hole below SACKed data counts as
/// lost once recovery has begun: RACK's reordering window, a quarter of min RTT, has passed by the time the SACK above
/// the hole arrives (the hole was sent before the SACKed data, which took a round trip to be reported).
/// </summary>
internal sealed partial class TcpConnection
{
    private const int DupThresh = 3;

    private bool _rescueRxtValid;
    private SeqNum _rescueRxt;

    /// <summary>Whether the unSACKed sequence number <paramref name="seq"/> (below the highest SACK) is lost.</summary>
    private bool IsLost(SeqNum seq)
    {
        if (_scoreboard.Count == 0 || seq >= _scoreboard.HighestSacked)
            return false;
        return _settings.Rack || _scoreboard.IsLost(seq, DupThresh, SndMss);
    }

    /// <summary>
    /// RFC 6675 §4 SetPipe: every unSACKed byte between SND.UNA and SND.MAX counts once if it is not lost and once more
    /// if it was retransmitted (at or below HighRxt). Holes are judged whole: all bytes of one have the same SACKed data
    /// above them.
    /// </summary>
    private int Pipe()
    {
        int pipe = 0;
        SeqNum s = SndUna;
        for (int i = 0; i < _scoreboard.Count; i++)
        {
            var (left, right) = _scoreboard.Range(i);
            if (left > s)
                pipe += HoleInPipe(s, left);
            if (right > s)
                s = right;
        }
        if (SndMax > s)
            pipe += HoleInPipe(s, SndMax);
        return pipe;
    }

    private int HoleInPipe(SeqNum start, SeqNum end)
    {
        int n = IsLost(start) ? 0 : end - start;
        if (_highRxt > start)
            n += SeqNum.Min(_highRxt, end) - start;
        return n;
    }

    /// <summary>
    /// NextSeg after new data (rule 2) had its turn, while cwnd − pipe ≥ 1 SMSS: rule 3, a hole above HighRxt not yet
    /// judged lost; rule 4 (without TLP), once per recovery (RescueRxt), the segment holding the highest unSACKed byte,
    /// so a loss at the tail of the recovery's flight is not left to the RTO.
    /// </summary>
    private void RetransmitAfterNewData(Instant now, IPacketSink sink)
    {
        while (Cwnd - Pipe() >= SndMss)
        {
            if (!_scoreboard.NextHole(SeqNum.Max(_highRxt, SndUna), out var start, out int holeLength))
                break;
            int len = ResendHole(start, holeLength, now, sink);
            if (len <= 0)
                return;
            _highRxt = start + len;
        }
        // Rule 4 is for senders without a tail loss probe: with TLP (the default, as Linux, which has no rescue
        // retransmission) the probe allowed in a stalled recovery finds the tail instead, two round trips on, when it is
        // more likely lost than still in flight.
        if (_settings.TailLossProbe || Cwnd - Pipe() < SndMss || (_rescueRxtValid && SndUna <= _rescueRxt) || _scoreboard.Count == 0)
            return;
        // Nothing new may go (rule 2 found none) and no hole is left: the highest unSACKed byte is either below SND.MAX
        // beyond every SACK, or the end of the last hole.
        SeqNum dataEnd = SndBufStart + _send.Count;
        SeqNum sentEnd = SeqNum.Min(SndMax, dataEnd);
        SeqNum high = _scoreboard.HighestSacked;
        SeqNum end, floor;
        if (high < sentEnd)
        {
            end = sentEnd;
            floor = high;
        }
        else
        {
            int last = _scoreboard.Count - 1;
            end = _scoreboard.Range(last).Left;
            floor = last > 0 ? _scoreboard.Range(last - 1).Right : SndUna;
        }
        if (end <= SndUna || SndNxt < SndMax || (SndMax < dataEnd && SndWnd > (uint)(SndMax - SndUna)))
            return;
        SeqNum from = SeqNum.Max(SeqNum.Max(end - SndMss, floor), SeqNum.Max(SndUna, SndBufStart));
        if (from >= end)
            return;
        // HighRxt stays (RFC 6675 §4 rule 4): this is a probe of the tail, not a step through the holes.
        if (ResendHole(from, end - from, now, sink) > 0)
        {
            _rescueRxtValid = true;
            _rescueRxt = _recover;
        }
    }
}
