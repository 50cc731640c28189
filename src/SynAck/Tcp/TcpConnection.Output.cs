using SynAck.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

internal sealed partial class TcpConnection
{
    private bool _ackNow { get => HasFlag(ConnectionFlags.AckNow); set => SetFlag(ConnectionFlags.AckNow, value); }
    private bool _forceProbe { get => HasFlag(ConnectionFlags.ForceProbe); set => SetFlag(ConnectionFlags.ForceProbe, value); }
    private bool _retransmitFirst { get => HasFlag(ConnectionFlags.RetransmitFirst); set => SetFlag(ConnectionFlags.RetransmitFirst, value); }

    /// <summary>Sends what is due: SYN or SYN-ACK, a fast retransmission, data and FIN as the windows allow, a pure ACK.</summary>
    public void Output(Instant now, IPacketSink sink)
    {
        if (IsReleased || State is TcpState.Closed or TcpState.Listen or TcpState.TimeWait)
            return;

        // OPEN (RFC 9293 §3.10.1) and LISTEN third (§3.10.7.2): <SEQ=ISS><CTL=SYN>, or <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
        if (SndNxt == Iss && SndUna == Iss)
        {
            SendSyn(now, sink);
            if (State is TcpState.SynSent or TcpState.SynReceived)
                return;
        }
        if (State == TcpState.SynSent)
            return;
        if (State == TcpState.SynReceived)
        {
            if (_ackNow)
                SendAck(now, sink);
            return;
        }

        if (_retransmitFirst)
        {
            _retransmitFirst = false;
            RetransmitFirst(now, sink);
        }
        if (_sackRecovery)
            RetransmitHoles(now, sink);
        if (_probePending)
        {
            _probePending = false;
            SendLossProbe(now, sink);
        }
        SendData(now, sink);
        if (_sackRecovery)
            RetransmitAfterNewData(now, sink);
        ArmLossProbe(now);
        if (_ackNow)
            SendAck(now, sink);
    }

    private void SendSyn(Instant now, IPacketSink sink)
    {
        bool retransmission = _retries > 0;
        var h = new TcpHeaderFields
        {
            SourcePort = Id.LocalPort,
            DestinationPort = Id.RemotePort,
            Seq = Iss,
            Flags = TcpFlags.Syn,
            Window = (ushort)Math.Min(_recv.Free, 65535),
        };
        if (State != TcpState.SynSent)
        {
            h.Flags |= TcpFlags.Ack;
            h.Ack = RcvNxt;
            // RFC 7323 §2.2: the window in a SYN-ACK is never scaled.
            h.Window = (ushort)Math.Min(RcvWnd, 65535u);
        }
        AddSynOptions(ref h.Options, now);
        _lastAckSent = h.Ack;
        SndNxt = Iss + 1;
        if (SndNxt > SndMax)
            SndMax = SndNxt;
        if (!retransmission && !_rttTiming)
            StartRttTiming(now);
        if (_rtoAt == Instant.MaxValue)
            _rtoAt = now + _rtt.Rto;
        ClearAckPending();
        _stack.SendSegment(Id, h, default, retransmission, now, sink);
    }

    /// <summary>
    /// Sends new (or, after a timeout, old) data and the FIN as far as the peer's window and the congestion window
    /// allow, applying sender-side SWS avoidance (RFC 9293 §3.8.6.2.1) and Nagle (§3.7.4). Segments that go back to
    /// back are grouped as Linux's offload packets would be, the last of a group pushed (TcpConnection.Push.cs).
    /// </summary>
    private void SendData(Instant now, IPacketSink sink)
    {
        // RFC 5681 §4.1: nothing sent for longer than the RTO and nothing in flight — restart from the initial window.
        if (_settings.SlowStartAfterIdle && SndMax == SndUna && _sentData && now - _lastDataSent > _rtt.Rto && _send.Count > SndNxt - SndBufStart)
        {
            _cc.OnIdleRestart(now);
            _sentData = false;
        }
        int group = 0, groupMax = 0;
        bool more = _moreCork;
        _moreCork = false;
        while (true)
        {
            if (FinQueued && SndNxt > FinSeq)
                return;
            SndNxt = SkipSackedFrom(SndNxt);
            var plan = PlanData(SndNxt, _forceProbe, more, out int len, out bool fin, out bool probe, out int unsent, out int usable);
            if (plan == DataPlan.Done)
                return;
            _forceProbe = false;
            if (plan == DataPlan.Blocked)
            {
                NoteCwndUse(CwndBound(unsent, usable));
                // Nothing may go. With a closed window (or a cork holding the data), data waiting and nothing in flight,
                // start the persist timer: it probes the window, or sends what the cork held.
                if (unsent > 0 && (len > 0 || SndWnd == 0) && SndMax == SndUna && _rtoAt == Instant.MaxValue && _persistAt == Instant.MaxValue)
                    _persistAt = now + Duration.Min(Duration.Max(_rtt.Rto, _settings.MinRto), _settings.MaxPersist);
                return;
            }
            // A probe inside the window (the persist timer found corked data) is pushed, as Linux's tcp_write_wakeup.
            bool push = probe && usable > 0;
            if (len > 0 && !probe)
            {
                if (groupMax == 0)
                    groupMax = GsoSegments();
                group++;
                push = group >= groupMax || (group >= 2 && !MoreDataFollows(SndNxt + len, more));
                if (push || ReachesPushMark(SndNxt, len))
                    group = 0;
            }
            EmitData(SndNxt, len, fin, now, sink, push);
        }
    }

    private enum DataPlan
    {
        Send,
        Blocked,
        Done,
    }

    /// <summary>After a timeout, what SACK says the receiver holds is not sent again (RFC 6675 §5.1).</summary>
    private SeqNum SkipSackedFrom(SeqNum nxt)
    {
        if (nxt < SndMax && _scoreboard.Count > 0)
        {
            nxt = _scoreboard.SkipSacked(nxt);
            // A SACK block may end one past our FIN (Linux counts a FIN in a segment's end): the skip stops at
            // the end of the data, where the FIN (if any) is resent, never past the send buffer.
            SeqNum dataEnd = SndBufStart + _send.Count;
            if (nxt > dataEnd)
                nxt = dataEnd;
        }
        return nxt;
    }

    /// <summary>The data segment (and FIN) that may go from <paramref name="nxt"/> now, changing nothing.</summary>
    private DataPlan PlanData(SeqNum nxt, bool forceProbe, bool more, out int len, out bool fin, out bool probe, out int unsent, out int usable)
    {
        len = 0;
        fin = false;
        probe = false;
        usable = 0;
        int offset = nxt - SndBufStart;
        unsent = _send.Count - offset;
        if (offset < 0 || unsent < 0)
            return DataPlan.Done;
        // In SACK recovery new data goes out while pipe < cwnd (RFC 6675 §5 (C) rule 2), not by the flight size.
        usable = _sackRecovery
            ? Math.Min((SndUna + (int)Math.Min(SndWnd, int.MaxValue)) - nxt, Cwnd - Pipe())
            : (SndUna + (int)Math.Min(SndWnd, (uint)(Cwnd + LimitedTransmitAllowance()))) - nxt;
        len = Math.Min(Math.Min(unsent, SndMss), Math.Max(usable, 0));
        if (nxt < SndMax && _scoreboard.Count > 0)
            len = Math.Min(len, _scoreboard.UnsackedRun(nxt, SndMax));
        if (forceProbe && len == 0 && unsent > 0)
        {
            // Zero-window probe (RFC 9293 §3.8.6.1): one byte past the window.
            len = 1;
            probe = true;
        }
        else if (forceProbe && len > 0)
        {
            probe = true;
        }
        fin = FinQueued && nxt + len == FinSeq;
        if (len == 0 && !fin)
            return DataPlan.Blocked;
        if (len > 0 && !probe && !MaySend(nxt, len, unsent, fin, more))
            return DataPlan.Blocked;
        return DataPlan.Send;
    }

    /// <summary>Would another data segment go right after one ending at <paramref name="end"/>, in this same burst?</summary>
    private bool MoreDataFollows(SeqNum end, bool more)
    {
        var (nxt, max) = (SndNxt, SndMax);
        SndNxt = end;
        if (end > SndMax)
            SndMax = end;
        SeqNum next = SkipSackedFrom(end);
        bool follows = !(FinQueued && next > FinSeq)
            && PlanData(next, false, more, out int len, out _, out _, out _, out _) == DataPlan.Send && len > 0;
        SndNxt = nxt;
        SndMax = max;
        return follows;
    }

    /// <summary>Data waits and cwnd (not the peer's window) is what holds a full segment back (RFC 7661's cwnd-limited).</summary>
    private bool CwndBound(int unsent, int usable)
        => unsent > 0 && usable < Math.Min(unsent, SndMss) && (_sackRecovery || Cwnd + LimitedTransmitAllowance() <= SndWnd);

    /// <summary>
    /// The end of the last segment shorter than a full one that carried new data (Linux's <c>snd_sml</c>), for Nagle
    /// with Minshall's modification.
    /// </summary>
    private SeqNum _sndSml;

    /// <summary>
    /// Nagle with Minshall's modification (as Linux's <c>tcp_nagle_check</c>): a short segment waits only while an
    /// earlier short segment is unacknowledged, not while any data is. RFC 9293 §3.7.4's rule holds back the short tail of
    /// every write larger than a segment until the full segments before it are acknowledged, and a receiver delays the
    /// ACK of a lone full segment (RFC 9293 §3.8.6.3): each such write then stalls for the peer's delayed-ACK time. The
    /// purpose of Nagle, at most one short segment in flight, is kept.
    /// </summary>
    private bool ShortSegmentInFlight => _sndSml > SndUna && _sndSml <= SndMax;

    /// <summary>Sender SWS avoidance and Nagle: may a segment of <paramref name="len"/> bytes go now from <paramref name="nxt"/>?</summary>
    private bool MaySend(SeqNum nxt, int len, int unsent, bool fin, bool more)
    {
        if (len >= SndMss || nxt < SndMax)
            return true;        // a full segment, or a retransmission after a timeout
        if (len == unsent && !fin && CorkHolds(more))
            return false;       // the tail of a SEND without PUSH waits to be combined (§3.9.1.2; TcpConnection.Cork.cs)
        bool idle = SndMax == SndUna;
        if (len == unsent && (!Nagle || idle || fin || !ShortSegmentInFlight))
            return true;        // all that is queued, and Nagle allows it (no short segment unacknowledged, or switched off)
        if (MaxSndWnd > 0 && len >= MaxSndWnd / 2)
            return true;        // at least half the largest window the peer ever offered
        // The RFC's override timeout, taken at once when nothing is in flight: otherwise nothing would make progress.
        return idle;
    }

    /// <summary>
    /// Sends [<paramref name="seq"/>, +<paramref name="len"/>) and the FIN if asked; PSH when the data reaches a push
    /// point or <paramref name="push"/> says it ends a group of segments (TcpConnection.Push.cs).
    /// </summary>
    private void EmitData(SeqNum seq, int len, bool fin, Instant now, IPacketSink sink, bool push = false)
    {
        int offset = seq - SndBufStart;
        var payload = _stack.PayloadScratch[..len];
        _send.CopyTo(offset, payload);
        bool retransmission = seq < SndMax;
        var h = new TcpHeaderFields
        {
            SourcePort = Id.LocalPort,
            DestinationPort = Id.RemotePort,
            Seq = seq,
            Ack = RcvNxt,
            Flags = TcpFlags.Ack,
            Window = WindowField(),
        };
        if (len > 0 && (push || ReachesPushMark(seq, len)))
            h.Flags |= TcpFlags.Psh;
        if (fin)
        {
            h.Flags |= TcpFlags.Fin;
            // What the tail loss probe repeats when nothing new can go (RFC 8985 §7.3): the FIN as it was sent.
            _finSentAlone = len == 0;
        }
        StampSegment(ref h, now, len);
        SeqNum end = seq + len + (fin ? 1 : 0);
        if (end > SndNxt)
            SndNxt = end;
        if (SndNxt > SndMax)
            SndMax = SndNxt;
        if (!retransmission && !_rttTiming)
            StartRttTiming(now);
        else if (retransmission && _rttTiming && seq < _rttSeq)
            _rttTiming = false; // Karn: the timed segment went twice, its ACK cannot be attributed
        if (_rtoAt == Instant.MaxValue)
            _rtoAt = now + _rtt.Rto; // RFC 6298 §5.1
        _persistAt = Instant.MaxValue;
        PrrOnSend(len);
        if (!retransmission && len > 0)
        {
            NoteDataSent();
            if (len < SndMss)
                _sndSml = seq + len;
        }
        _lastDataSent = now;
        _sentData = true;
        ClearAckPending();
        _stack.SendSegment(Id, h, payload, retransmission, now, sink);
    }

    /// <summary>Fast retransmit (RFC 5681 §3.2 step 4): the segment at SND.UNA, once.</summary>
    private void RetransmitFirst(Instant now, IPacketSink sink)
    {
        int offset = SndUna - SndBufStart;
        if (offset < 0 || SndUna >= SndMax)
            return;
        int len = Math.Min(Math.Min(_send.Count - offset, SndMss), SndMax - SndUna);
        bool fin = FinQueued && SndUna + len == FinSeq && SndMax > FinSeq;
        if (len <= 0 && !fin)
            return;
        var saved = SndNxt;
        CountRecoveryRetransmission();
        EmitData(SndUna, Math.Max(len, 0), fin, now, sink);
        if (saved > SndNxt)
            SndNxt = saved;
    }

    /// <summary>
    /// &lt;SEQ=SND.NXT&gt;&lt;ACK=RCV.NXT&gt;&lt;CTL=ACK&gt;. The RFC's SND.NXT is the highest sequence number sent
    /// (<see cref="SndMax"/>): after a timeout rewinds our sending point, the peer may already hold more than that
    /// point, and an ACK carrying the rewound number would fail its sequence test and be ignored — on both sides at
    /// once, a deadlock. But never beyond the right edge of the peer's window (SND.UNA + SND.WND): a persist probe's
    /// byte went past a zero window and was refused, and an ACK stamped after it would fail the peer's zero-window
    /// test (RFC 9293 §3.10.7.4: only SEG.SEQ = RCV.NXT is acceptable) — the peer would never hear that we took
    /// its data, and with its own window closed both sides would wait on each other's probes.
    /// </summary>
    private SeqNum AckSeq
    {
        get
        {
            if (!IsSynchronized)
                return SndMax;
            var rightEdge = SndUna + SndWnd;
            return SndMax > rightEdge ? rightEdge : SndMax;
        }
    }

    private void SendAck(Instant now, IPacketSink sink)
    {
        var h = new TcpHeaderFields
        {
            SourcePort = Id.LocalPort,
            DestinationPort = Id.RemotePort,
            Seq = AckSeq,
            Ack = RcvNxt,
            Flags = TcpFlags.Ack,
            Window = WindowField(),
        };
        StampSegment(ref h, now, 0);
        ClearAckPending();
        _stack.SendSegment(Id, h, default, false, now, sink);
    }

    private void StartRttTiming(Instant now)
    {
        _rttTiming = true;
        _rttSeq = SndNxt;
        _rttStart = now;
    }

    private void ClearAckPending()
    {
        _ackNow = false;
        _delAckAt = Instant.MaxValue;
        _unackedBytes = 0;
        _ackPushed = false;
    }
}
