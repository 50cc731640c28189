using SynAck.Stack;
using SynAck.Tcp.Recovery;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// RACK-TLP (RFC 8985) on top of the SACK scoreboard: time-based loss detection for a hole below SACKed data (instead
/// of waiting for DupThresh), for lost retransmissions (<see cref="RetransmitLog"/>), and the tail loss probe that turns a
/// silent tail loss into SACK information. The per-segment transmit times of RFC 8985 are approximated: a hole was sent
/// before the SACKed data above it, which itself went at least one RTT before its SACK arrived, so reo_wnd after that
/// SACK the hole has been out for RTT + reo_wnd.
/// </summary>
internal sealed partial class TcpConnection
{
    private static readonly Duration s_minReoWnd = Duration.FromMilliseconds(1);
    private static readonly Duration s_tlpSlack = Duration.FromMilliseconds(2);

    // Made at the first retransmission in a SACK recovery: an idle connection carries no log (≈ 800 B of arrays).
    private RetransmitLog? _rxLog { get => _recovery?.RxLog; set { if (value is not null || _recovery is not null) Recovery.RxLog = value; } }
    private Instant _tlpAt { get => _recovery?.TlpAt ?? Instant.MaxValue; set { if (value != Instant.MaxValue || _recovery is not null) Recovery.TlpAt = value; } }
    private Instant _reoAt { get => _recovery?.ReoAt ?? Instant.MaxValue; set { if (value != Instant.MaxValue || _recovery is not null) Recovery.ReoAt = value; } }
    private Instant _sackSeenAt { get => _recovery?.SackSeenAt ?? Instant.MaxValue; set { if (value != Instant.MaxValue || _recovery is not null) Recovery.SackSeenAt = value; } }
    private bool _tlpOut { get => _recovery?.TlpOut ?? false; set { if (value || _recovery is not null) Recovery.TlpOut = value; } }
    private bool _finSentAlone { get => HasFlag(ConnectionFlags.FinSentAlone); set => SetFlag(ConnectionFlags.FinSentAlone, value); }
    private bool _probePending { get => _recovery?.ProbePending ?? false; set { if (value || _recovery is not null) Recovery.ProbePending = value; } }
    private bool _tlpEpisode { get => _recovery?.TlpEpisode ?? false; set { if (value || _recovery is not null) Recovery.TlpEpisode = value; } }
    private bool _peerHoldsLoneAck { get => HasFlag(ConnectionFlags.PeerHoldsLoneAck); set => SetFlag(ConnectionFlags.PeerHoldsLoneAck, value); }

    /// <summary>
    /// RFC 8985 §6.2 step 4: reo_wnd = min_RTT / 4 · reo_wnd_mult, at most SRTT (at least 1 ms: timestamps measure whole
    /// milliseconds).
    /// </summary>
    private Duration ReoWnd
    {
        get
        {
            var wnd = _rtt.MinRtt / 4 * _reoWndMult;
            if (_rtt.HasSample && wnd > _rtt.Srtt)
                wnd = _rtt.Srtt;
            return Duration.Max(wnd, s_minReoWnd);
        }
    }

    /// <summary>RFC 8985 §6.2: how long a segment must have been out, once overtaken, to count as lost.</summary>
    private Duration RackWait => (_rtt.HasSample ? _rtt.Srtt : _rtt.Rto) + ReoWnd;

    private Instant RackTimer => Instant.Min(_tlpAt, _reoAt);

    /// <summary>After the scoreboard took an ACK's SACK blocks.</summary>
    private void RackOnSack(Instant now)
    {
        if (!_settings.Rack || !SackOk)
            return;
        if (_sackRecovery)
        {
            if (_rxLog is null)
                return;
            int lost = _rxLog.DetectLost(SndUna, SndMax, _scoreboard, now, RackWait, out var recheck);
            if (lost > 0)
            {
                Recovery.PrrLossOnAck = true;
                _stack.MarkDirty(this);
            }
            ArmReorder(recheck);
            return;
        }
        if (_inRecovery || _recoverValid || _scoreboard.Count == 0 || SndMax == SndUna)
            return;
        if (_sackSeenAt == Instant.MaxValue)
            _sackSeenAt = now;
        var deadline = _sackSeenAt + ReoWnd;
        if (now >= deadline)
            EnterRecovery(now);
        else
            ArmReorder(deadline);
    }

    /// <summary>A new cumulative ACK: the reordering clock restarts from here for whatever SACKed data remains.</summary>
    private void RackOnNewAck(Instant now)
    {
        _tlpOut = false;
        _sackSeenAt = _scoreboard.Count > 0 ? now : Instant.MaxValue;
    }

    private void ArmReorder(Instant at)
    {
        if (at < _reoAt)
        {
            _reoAt = at;
            _stack.MarkDirty(this);
        }
    }

    /// <summary>Recovery or a timeout starts: the RACK and TLP state of the open state is done with.</summary>
    private void ResetRack()
    {
        _rxLog?.Clear();
        _sackSeenAt = Instant.MaxValue;
        _reoAt = Instant.MaxValue;
        _tlpAt = Instant.MaxValue;
        _tlpOut = false;
        _probePending = false;
        _tlpEpisode = false;
    }

    /// <summary>
    /// RFC 8985 §7.2: with data outstanding, a probe timeout PTO = 2·SRTT + 2 ms, at the latest when the RTO would fire,
    /// which the probe then replaces. When only one segment is out, WCDelAckT (<see cref="TcpSettings.LossProbeAckDelay"/>)
    /// replaces the 2 ms once the peer has shown that it holds the ACK of a lone segment, or always without
    /// <see cref="TcpSettings.LossProbeLearnsAckDelay"/> (then, with the default 200 ms, a lone tail is probed at the RTO's
    /// time, as Linux does, without the RTO's cwnd collapse). Beyond RFC 8985, which probes only
    /// outside recovery, one probe is also allowed in SACK recovery when it stalls (every segment in flight lost and
    /// pipe too close to cwnd for another): the probe's SACK lets RACK find the lost retransmission instead of the RTO.
    /// After a timeout (until `recover`) and in NewReno recovery there is no probe.
    /// </summary>
    private void ArmLossProbe(Instant now)
    {
        _tlpAt = Instant.MaxValue;
        if (!_settings.TailLossProbe || !SackOk || !IsSynchronized || (_recoverValid && !_sackRecovery) || _tlpOut || _tlpEpisode || SndMax == SndUna
            || !_rtt.HasSample || SndWnd == 0)
            return;
        bool lone = BytesInFlight <= SndMss;
        bool holds = lone && (_peerHoldsLoneAck || !_settings.LossProbeLearnsAckDelay);
        var pto = _rtt.Srtt * 2 + (holds ? Duration.Max(_settings.LossProbeAckDelay, s_tlpSlack) : s_tlpSlack);
        _tlpAt = Instant.Min(now + pto, _rtoAt);
        Recovery.TlpArmedLone = lone && !holds;
    }

    /// <summary>The RACK timers that are due.</summary>
    private void OnRackTimers(Instant now)
    {
        if (_reoAt <= now)
        {
            _reoAt = Instant.MaxValue;
            TimerFired(TcpTimerKind.Reorder, now);
            RackOnSack(now);
        }
        if (_tlpAt <= now)
        {
            _tlpAt = Instant.MaxValue;
            TimerFired(TcpTimerKind.LossProbe, now);
            if ((_sackRecovery || !_inRecovery) && SndMax != SndUna && IsSynchronized)
            {
                _probePending = true;
                _tlpOut = true;
                _stack.Counters.LossProbes++;
                _stack.MarkDirty(this);
                RestartRetransmissionTimer(now);
            }
        }
    }

    /// <summary>
    /// RFC 8985 §7.3: new data if the windows allow, otherwise the last segment sent; then the RTO restarts. With
    /// <see cref="TcpSettings.LossProbeSegments"/> = 2 and new data to send, the last segment sent goes again first, so
    /// the receiver answers at once even when it already holds everything, and the new segment behind it draws a second
    /// answer. A probe that retransmits opens a TLP episode (RFC 8985 §7.4) outside recovery.
    /// </summary>
    private void SendLossProbe(Instant now, IPacketSink sink)
    {
        int offset = SndNxt - SndBufStart;
        int unsent = _send.Count - offset;
        int room = (SndUna + (int)Math.Min(SndWnd, int.MaxValue)) - SndNxt;
        bool two = _settings.LossProbeSegments >= 2;
        int flight = BytesInFlight;
        SeqNum retxLeft = default, retxRight = default;
        if (SndNxt == SndMax && offset >= 0 && unsent > 0 && room >= Math.Min(unsent, SndMss))
        {
            // Nothing beyond the data is sent yet (unsent data), so the last segment sent is data without a FIN.
            if (two && SndMax > SndUna)
            {
                retxLeft = SeqNum.Max(SeqNum.Max(SndUna, SndBufStart), SndMax - SndMss);
                retxRight = SndMax;
                ResendForProbe(retxLeft, retxRight - retxLeft, false, now, sink, alone: true);
            }
            EmitData(SndNxt, Math.Min(unsent, SndMss), FinQueued && SndNxt + Math.Min(unsent, SndMss) == FinSeq, now, sink);
        }
        else
        {
            bool fin = FinQueued && SndMax == FinSeq + 1;
            SeqNum dataEnd = fin ? FinSeq : SndMax;
            SeqNum floor = SeqNum.Max(SndUna, SndBufStart);
            // The highest-sequence segment sent: a FIN that went alone is repeated alone (as Linux probes with its
            // FIN skb), one that went with the last data with that data.
            SeqNum start = fin && _finSentAlone ? FinSeq : SeqNum.Max(floor, dataEnd - SndMss);
            int len = Math.Max(dataEnd - start, 0);
            if (len == 0 && !fin)
                return;
            retxLeft = start;
            ResendForProbe(start, len, fin, now, sink, alone: false);
            retxRight = dataEnd;
        }
        OpenTlpEpisode(retxLeft, retxRight, flight, now);
        RestartRetransmissionTimer(now);
    }

    /// <summary>
    /// Sends [<paramref name="start"/>, +<paramref name="len"/>) again without moving the sending point back. With
    /// <paramref name="alone"/>, PSH: a duplicate followed by a new segment must reach the receiver as a packet of its
    /// own. Joined with the new segment into one offload super-packet (PSH ends one, <see cref="Links.SegmentCoalescer"/>,
    /// as in Linux's GSO) it would arrive as a partial overlap, whose new part is ordinary in-order data with an ACK the
    /// receiver may delay.
    /// </summary>
    private void ResendForProbe(SeqNum start, int len, bool fin, Instant now, IPacketSink sink, bool alone)
    {
        var saved = SndNxt;
        EmitData(start, len, fin, now, sink, push: alone && len > 0);
        if (saved > SndNxt)
            SndNxt = saved;
    }

    /// <summary>
    /// RFC 8985 §7.4: a probe that retransmitted [<paramref name="left"/>, <paramref name="right"/>) outside recovery
    /// opens an episode. A D-SACK for every retransmitted byte ends it without a loss: the original had arrived, an ACK
    /// was lost. An ACK that covers the retransmission without one ends it with a loss the probe repaired, which
    /// congestion control answers as any other. (Linux waits for an ACK above everything sent by then, TLP.end_seq; the
    /// probe here sends new data behind the retransmission, and the answer to that may be the one that is lost.)
    /// </summary>
    private void OpenTlpEpisode(SeqNum left, SeqNum right, int flight, Instant now)
    {
        if (right <= left || _inRecovery || _recoverValid)
            return;
        _tlpEpisode = true;
        var r = Recovery;
        r.TlpRetxLeft = left;
        r.TlpRetxRight = right;
        r.TlpDsacked = 0;
        r.TlpFlight = flight;
        r.TlpLone = r.TlpArmedLone;
        r.TlpDsackExpected = false;
        r.TlpSentAt = now;
        r.TlpTsVal = TsVal(now);
    }

    /// <summary>
    /// The episode ended without a loss: the original had arrived. When the probe was of a lone segment sent before
    /// WCDelAckT, the peer was holding that segment's ACK, so later lone segments wait for it
    /// (<see cref="TcpSettings.LossProbeLearnsAckDelay"/>).
    /// </summary>
    private void EndTlpEpisodeWithoutLoss()
    {
        _tlpEpisode = false;
        if (Recovery.TlpLone && !_peerHoldsLoneAck)
        {
            _peerHoldsLoneAck = true;
            _stack.Counters.LossProbesNeedless++;
        }
        _stack.MarkDirty(this); // the next output pass may arm a probe again
    }

    /// <summary>A D-SACK inside the open episode's retransmission: the original had arrived. True when it was one.</summary>
    private bool TakeTlpDsack(SeqNum left, SeqNum right)
    {
        if (_recovery is not { } r || !(r.TlpEpisode || r.TlpDsackExpected))
            return false;
        // A FIN sent again with the data may be counted in the block's end (Linux's D-SACK covers its sequence number).
        if (left < r.TlpRetxLeft || right > r.TlpRetxRight + (FinQueued ? 1 : 0))
            return false;
        if (!r.TlpEpisode)
        {
            // The answer to a probe whose episode the original's ACK already ended.
            r.TlpDsackExpected = false;
            return true;
        }
        r.TlpDsacked += SeqNum.Min(right, r.TlpRetxRight) - left;
        if (r.TlpDsacked >= r.TlpRetxRight - r.TlpRetxLeft)
            EndTlpEpisodeWithoutLoss();
        return true;
    }

    /// <summary>
    /// Whether an ACK that covers the probe's retransmission answers the original instead: it echoes a timestamp older
    /// than the probe's (RFC 7323 §4.3: the receiver echoes the earliest unacknowledged segment's, and the probe went
    /// at least 2 ms after the original), or without timestamps it came sooner after the probe than any round trip.
    /// </summary>
    private bool AcknowledgesOriginal(TcpPacket seg, RecoveryState r, Instant now)
    {
        if (TimestampsOk && seg.Options.HasTimestamps && seg.Options.TsEcr != 0)
            return unchecked((int)(seg.Options.TsEcr - r.TlpTsVal)) < 0;
        return _rtt.HasSample && now - r.TlpSentAt < _rtt.MinRtt;
    }

    /// <summary>After an ACK's cumulative point and SACK blocks were taken: the end of a TLP episode (RFC 8985 §7.4.2).</summary>
    private void TlpEpisodeOnAck(TcpPacket seg, Instant now)
    {
        if (!_tlpEpisode)
            return;
        var r = Recovery;
        if (seg.Ack < r.TlpRetxRight)
            return;
        if (AcknowledgesOriginal(seg, r, now))
        {
            // The ACK answers the original, which the peer had held (a delayed ACK) past the probe's timeout; the
            // probe's own answer, a D-SACK, is still to come and is not reordering.
            EndTlpEpisodeWithoutLoss();
            r.TlpDsackExpected = true;
            return;
        }
        _tlpEpisode = false;
        if (_inRecovery || _recoverValid)
            return;
        // The probe's retransmission filled a hole: a loss, answered like the start of a recovery that is already over
        // (Linux: CWR, cwnd = ssthresh at once).
        _stack.Counters.LossProbeRecoveries++;
        _cc.OnLoss(Math.Max(r.TlpFlight, SndMss), now);
        _stack.MarkDirty(this);
    }
}
