using SynAck.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// Selective acknowledgment (RFC 2018) and the loss recovery built on it (RFC 6675). In recovery the sender keeps
/// pipe — bytes believed in the network — under cwnd, sending what NextSeg picks (Recovery/TcpConnection.NextSeg):
/// lost holes first (rule 1), then new data (rule 2), then holes not yet lost (rule 3), then one rescue retransmission
/// (rule 4). Which holes are lost is IsLost's call — RFC 6675's DupThresh count without RACK, RACK's with it. A loss with
/// nothing SACKed above it is found by the tail loss probe and RACK (Recovery/TcpConnection.Rack).
/// </summary>
internal sealed partial class TcpConnection
{
    private SackScoreboard _scoreboard = new(1024);
    private bool _sackRecovery;
    private bool _sackFirstPending;
    private SeqNum _highRxt;
    // The last retransmission of the segment at SND.UNA in recovery, and SND.MAX when it went: data SACKed beyond that
    // point was sent after it, so once enough of it is SACKed the retransmission itself must have been lost.
    private bool _unaRetransmitted;
    private SeqNum _unaRetransmittedSeq;
    private SeqNum _unaRetransmittedMax;
    private bool _resendUna;

    /// <summary>RFC 2018 §2: both SYNs carried SACK-permitted, so SACK blocks flow both ways.</summary>
    public bool SackOk { get; private set; }

    /// <summary>Ranges the receiver reported holding above SND.UNA.</summary>
    public SackScoreboard Scoreboard => _scoreboard;

    /// <summary>In RFC 6675 loss recovery (as opposed to NewReno's, without SACK).</summary>
    public bool InSackRecovery => _sackRecovery;

    /// <summary>Records the SACK blocks of an acceptable ACK; blocks outside (SEG.ACK, SND.MAX] are ignored as bogus.</summary>
    private void TakeSackBlocks(TcpPacket seg, Instant now)
    {
        var o = seg.Options;
        if (!SackOk || o.SackBlockCount == 0)
            return;
        int firstBlock = 0;
        if (IsDsack(o, seg.Ack))
        {
            var d = o.GetSackBlock(0);
            OnDsack(d.Left, d.Right, now);
            firstBlock = 1;
        }
        for (int i = firstBlock; i < o.SackBlockCount; i++)
        {
            var b = o.GetSackBlock(i);
            if (b.Left < b.Right && b.Left > seg.Ack && b.Right <= SndMax)
                _scoreboard.Add(b.Left, b.Right);
        }
        // RFC 6675 §5: recovery may start before the third duplicate ACK once more than (DupThresh − 1)·SMSS bytes
        // above SND.UNA are SACKed.
        // Not below `recover` after a timeout (RFC 6675 §5.1): those SACKs describe what the timeout already resends.
        // Once reordering has been seen, RACK's time rule alone decides (RFC 8985 §6.2 step 4).
        if (!_inRecovery && !_recoverValid && !CountsByTimeOnly && SndMax != SndUna && _scoreboard.SackedBetween(SndUna, SndMax) > 2 * SndMss)
            EnterRecovery(now);
        // A lost retransmission (RFC 6675 leaves it to the RTO, which is 200 ms or more against a sub-millisecond
        // round trip). Judged as RFC 6675 §4 IsLost judges a first transmission, counting only data sent after the
        // retransmission: more than (DupThresh − 1)·SMSS of it SACKed while SND.UNA still waits means it is gone
        // (RFC 8985 §6.2 reaches the same verdict by send time). It goes once more; cwnd was already reduced.
        if (_sackRecovery && _unaRetransmitted && SndUna == _unaRetransmittedSeq
            && _scoreboard.SackedBetween(_unaRetransmittedMax, SndMax) > 2 * SndMss)
        {
            _unaRetransmitted = false;
            _resendUna = true;
        }
        RackOnSack(now);
        // Every SACK shrinks pipe in recovery, and outside it may allow a limited transmit (RFC 3042): look again at the next Poll.
        _stack.MarkDirty(this);
    }

    /// <summary>
    /// RFC 3042 limited transmit: outside recovery, each of the first two duplicate ACKs lets one new segment go
    /// beyond cwnd, so a small window still produces the third duplicate ACK instead of waiting for the RTO. With SACK
    /// (RFC 6675 §5) an ACK that SACKs new data counts as a duplicate whether or not it carries data, so the allowance
    /// is the SACKed bytes, at most 2·SMSS.
    /// </summary>
    private int LimitedTransmitAllowance()
    {
        if (_inRecovery || SndNxt != SndMax || SndUna == SndMax)
            return 0;
        int dup = SackOk ? _scoreboard.SackedBetween(SndUna, SndMax) : _dupAcks * SndMss;
        return Math.Min(dup, 2 * SndMss);
    }

    /// <summary>
    /// RFC 6675 §5: on entering recovery the first hole goes at once (step 4.3, whatever pipe says); after that,
    /// while pipe is below cwnd (step C), the next hole (NextSeg rule 1), one SMSS at a time.
    /// </summary>
    private void RetransmitHoles(Instant now, IPacketSink sink)
    {
        if (_resendUna)
        {
            _resendUna = false;
            if (_scoreboard.NextHole(SndUna, out var una, out int unaLength) && una == SndUna)
                ResendHole(una, unaLength, now, sink);
        }
        // RFC 8985 §6.2: retransmissions that later deliveries overtook long enough ago are lost; they go again first.
        while (_rxLog is not null && _rxLog.TakeLost(SndUna, out var lostStart, out int lostLength))
        {
            if (ResendHole(lostStart, lostLength, now, sink) > 0)
                _stack.Counters.LostRetransmits++;
        }
        if (_sackFirstPending)
        {
            // RFC 6675 §5 step 4.3: the segment at HighACK + 1 goes at once, whatever the scoreboard holds — it may be
            // empty when the duplicate ACKs carried no SACK blocks.
            _sackFirstPending = false;
            int hole = _scoreboard.Count > 0 && _scoreboard.Range(0).Left > SndUna ? _scoreboard.Range(0).Left - SndUna : SndMax - SndUna;
            int sent = ResendHole(SndUna, hole, now, sink);
            if (sent > 0)
                _highRxt = SndUna + sent;
        }
        // Back-to-back segments of one hole go as one of Linux's offload packets, the last pushed (TcpConnection.Push.cs);
        // SACKed data between two holes is a buffer boundary.
        int group = 0, groupMax = 0;
        SeqNum groupEnd = default;
        while (Pipe() < Cwnd)
        {
            // NextSeg rule 1: the first unSACKed sequence above HighRxt, below the highest SACK, that IsLost.
            if (!_scoreboard.NextHole(SeqNum.Max(_highRxt, SndUna), out var start, out int holeLength) || !IsLost(start))
                return;
            int planned = Math.Min(Math.Min(holeLength, SndMss), _send.Count - (start - SndBufStart));
            group = group > 0 && start == groupEnd ? group + 1 : 1;
            if (groupMax == 0)
                groupMax = GsoSegments();
            bool push = planned > 0 && (group >= groupMax || (group >= 2 && !HoleContinues(start + planned)));
            int len = ResendHole(start, holeLength, now, sink, push);
            if (len <= 0)
                return;
            _highRxt = start + len;
            groupEnd = _highRxt;
            if (push || ReachesPushMark(start, len))
                group = 0;
        }
    }

    /// <summary>Would the loss recovery loop resend the bytes right after <paramref name="end"/> next, in the same hole?</summary>
    private bool HoleContinues(SeqNum end)
    {
        var saved = _highRxt;
        _highRxt = end;
        bool more = Pipe() < Cwnd && _scoreboard.NextHole(SeqNum.Max(end, SndUna), out var next, out _) && next == end && IsLost(next);
        _highRxt = saved;
        return more;
    }

    /// <summary>Sends up to one SMSS of the hole at <paramref name="start"/> again; returns the bytes sent.</summary>
    private int ResendHole(SeqNum start, int holeLength, Instant now, IPacketSink sink, bool push = false)
    {
        int offset = start - SndBufStart;
        if (offset < 0)
            return 0;
        int len = Math.Min(Math.Min(holeLength, SndMss), _send.Count - offset);
        if (len <= 0)
            return 0;
        if (start == SndUna)
        {
            _unaRetransmitted = true;
            _unaRetransmittedSeq = start;
            _unaRetransmittedMax = SndMax;
        }
        (_rxLog ??= new Recovery.RetransmitLog(4096)).Add(start, len, now, SndMax);
        CountRecoveryRetransmission();
        EmitData(start, len, false, now, sink, push);
        return len;
    }

    /// <summary>
    /// Adds SACK blocks for the out-of-order data we hold (RFC 2018 §4) to a segment we send: 4 fit in the 40 option
    /// bytes, 3 beside timestamps; a data segment carries only as many as its payload leaves room for within the MSS.
    /// </summary>
    private void AddSackBlocks(ref TcpHeaderFields h, int payloadLength)
    {
        if (!SackOk || (_recv.RangeCount == 0 && !_dsackPending))
            return;
        int fixedOptions = h.Options.EncodedLength;
        int room = Math.Min(TcpOptions.MaxLength, SndMss + (TimestampsOk ? TimestampsLength : 0) - payloadLength) - fixedOptions - 4;
        int max = Math.Min(room / 8, TimestampsOk ? 3 : TcpOptions.MaxSackBlocks);
        if (max > 0 && TryAddDsackBlock(ref h.Options))
            max--;
        if (max > 0 && _recv.RangeCount > 0)
            _recv.AddSackBlocks(ref h.Options, max);
    }
}
