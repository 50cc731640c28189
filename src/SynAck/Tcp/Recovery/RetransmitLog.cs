using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp.Recovery;

/// <summary>
/// The retransmissions of one recovery, each with when it went and SND.MAX at that moment. RFC 8985 §6.2 judges a
/// segment lost when data sent after it has been delivered and more than RTT + reo_wnd has passed since it went; this
/// log applies that rule to retransmissions, the segments RFC 6675's scoreboard cannot judge. The arrays start small and
/// double up to <c>capacity</c> (nothing allocated per segment once grown): a queue overflowing in slow start needs
/// hundreds of retransmissions in one recovery. When full, the newest entry is not logged — the oldest are the ones
/// SND.UNA waits on, and forgetting them left a lost retransmission to the RTO.
/// </summary>
internal sealed class RetransmitLog(int capacity)
{
    private const int InitialCapacity = 32;

    private SeqNum[] _start = new SeqNum[Math.Min(capacity, InitialCapacity)];
    private int[] _length = new int[Math.Min(capacity, InitialCapacity)];
    private Instant[] _sentAt = new Instant[Math.Min(capacity, InitialCapacity)];
    private SeqNum[] _sndMaxAt = new SeqNum[Math.Min(capacity, InitialCapacity)];
    private bool[] _lost = new bool[Math.Min(capacity, InitialCapacity)];

    public int Count { get; private set; }

    public void Clear() => Count = 0;

    public void Add(SeqNum start, int length, Instant sentAt, SeqNum sndMax)
    {
        if (Count == _start.Length)
        {
            if (Count >= capacity)
                return;
            int grown = Math.Min(Count * 2, capacity);
            Array.Resize(ref _start, grown);
            Array.Resize(ref _length, grown);
            Array.Resize(ref _sentAt, grown);
            Array.Resize(ref _sndMaxAt, grown);
            Array.Resize(ref _lost, grown);
        }
        _start[Count] = start;
        _length[Count] = length;
        _sentAt[Count] = sentAt;
        _sndMaxAt[Count] = sndMax;
        _lost[Count] = false;
        Count++;
    }

    /// <summary>
    /// Applies RFC 8985's rule to every entry: forgets those acknowledged or SACKed whole, marks lost those that later
    /// data overtook at least <paramref name="wait"/> (RTT + reo_wnd) ago. Returns how many became lost; <paramref name="recheckAt"/>
    /// is when an overtaken entry not yet old enough must be looked at again (or MaxValue).
    /// </summary>
    public int DetectLost(SeqNum sndUna, SeqNum sndMax, SackScoreboard scoreboard, Instant now, Duration wait, out Instant recheckAt)
    {
        recheckAt = Instant.MaxValue;
        int lost = 0;
        for (int i = 0; i < Count;)
        {
            SeqNum end = _start[i] + _length[i];
            if (end <= sndUna || scoreboard.SackedBetween(SeqNum.Max(_start[i], sndUna), end) >= end - SeqNum.Max(_start[i], sndUna))
            {
                RemoveAt(i);
                continue;
            }
            if (!_lost[i] && scoreboard.SackedBetween(_sndMaxAt[i], sndMax) > 0)
            {
                var deadline = _sentAt[i] + wait;
                if (now >= deadline)
                {
                    _lost[i] = true;
                    lost++;
                }
                else if (deadline < recheckAt)
                {
                    recheckAt = deadline;
                }
            }
            i++;
        }
        return lost;
    }

    /// <summary>The first entry judged lost, unmarked (the caller sends it again and logs the new transmission).</summary>
    public bool TakeLost(SeqNum sndUna, out SeqNum start, out int length)
    {
        for (int i = 0; i < Count; i++)
        {
            if (!_lost[i])
                continue;
            start = SeqNum.Max(_start[i], sndUna);
            length = _start[i] + _length[i] - start;
            RemoveAt(i);
            if (length > 0)
                return true;
            i--;
        }
        start = default;
        length = 0;
        return false;
    }

    private void RemoveAt(int i)
    {
        int tail = Count - i - 1;
        Array.Copy(_start, i + 1, _start, i, tail);
        Array.Copy(_length, i + 1, _length, i, tail);
        Array.Copy(_sentAt, i + 1, _sentAt, i, tail);
        Array.Copy(_sndMaxAt, i + 1, _sndMaxAt, i, tail);
        Array.Copy(_lost, i + 1, _lost, i, tail);
        Count--;
    }
}
