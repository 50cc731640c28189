using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

internal sealed partial class TcpConnection
{
    private bool _halfOpenCounted { get => HasFlag(ConnectionFlags.HalfOpenCounted); set => SetFlag(ConnectionFlags.HalfOpenCounted, value); }

    /// <summary>RFC 9293 §3.10.1 OPEN, active: select an ISS, send SYN &lt;SEQ=ISS&gt;, enter SYN-SENT.</summary>
    public void ActiveOpen(Instant now)
    {
        SetState(TcpState.SynSent, TcpTransitionCause.ActiveOpen, now);
        RcvWndRight = default;
        _stack.MarkDirty(this);
    }

    /// <summary>
    /// RFC 9293 §3.10.7.2 LISTEN, third: a SYN. RCV.NXT = SEG.SEQ + 1, IRS = SEG.SEQ, send &lt;SEQ=ISS&gt;&lt;ACK=RCV.NXT&gt;&lt;CTL=SYN,ACK&gt;,
    /// SND.NXT = ISS + 1, SND.UNA = ISS, enter SYN-RECEIVED.
    /// </summary>
    public void PassiveOpen(SynAck.Wire.TcpPacket seg, Instant now)
    {
        Irs = seg.Seq;
        RcvNxt = seg.Seq + 1;
        TakeMss(seg.Options);
        NegotiateOptions(seg.Options, now);
        // The SYN's window is not yet trusted as a window update (RFC 9293 §3.10.7.4 fifth sets it on the ACK),
        // but keep it so data can flow at once under the two-way-handshake demonstration.
        SndWnd = seg.Window;
        MaxSndWnd = SndWnd;
        SndWl1 = seg.Seq;
        SndWl2 = Iss;
        InitReceiveWindow();
        if (_settings.DemoTwoWayHandshake)
        {
            // DEMONSTRATION ONLY: believe the SYN alone — the flaw the three-way handshake exists to prevent.
            SetState(TcpState.Established, TcpTransitionCause.RcvSyn, now);
            _stack.EnqueueAccept(this);
            ProcessFin(seg, now, ProcessText(seg, now));
        }
        else
        {
            Listener!.HalfOpen++;
            _halfOpenCounted = true;
            SetState(TcpState.SynReceived, TcpTransitionCause.RcvSyn, now);
        }
        _stack.MarkDirty(this);
    }

    /// <summary>RFC 9293 §3.10.7.3: SEGMENT ARRIVES in SYN-SENT.</summary>
    private void SynSentArrives(TcpPacket seg, Instant now)
    {
        var flags = seg.Flags;
        bool hasAck = (flags & TcpFlags.Ack) != 0;

        // First: check the ACK bit. SEG.ACK =< ISS or SEG.ACK > SND.NXT acknowledges nothing we sent: reset it
        // (unless it is itself a RST) — this is what kills an old duplicate connection (figure 8).
        if (hasAck && (seg.Ack <= Iss || seg.Ack > SndMax))
        {
            if ((flags & TcpFlags.Rst) == 0)
                _stack.QueueControl(Id, seg.Ack, default, TcpFlags.Rst);
            _stack.Drop(now, TcpDropReason.UnacceptableAck, Id, true, NetStackSummary(seg));
            return;
        }

        // Second: check the RST bit. With an acceptable ACK it means nothing listens: "connection refused".
        // Without one it is dropped (RFC 5961 §3.2 for SYN-SENT: only an acceptable ACK makes a RST valid).
        if ((flags & TcpFlags.Rst) != 0)
        {
            if (hasAck)
            {
                Fail(TcpError.Refused, now);
                CloseAndRelease(TcpTransitionCause.RcvRst, now);
            }
            else
            {
                _stack.Drop(now, TcpDropReason.SynSentRst, Id, true, NetStackSummary(seg));
            }
            return;
        }

        // Third: security — no IPsec or compartments here, nothing to check.

        // Fourth: check the SYN bit.
        if ((flags & TcpFlags.Syn) == 0)
        {
            _stack.Drop(now, TcpDropReason.SynSentNoSyn, Id, true, NetStackSummary(seg));
            return;
        }
        Irs = seg.Seq;
        RcvNxt = seg.Seq + 1;
        TakeMss(seg.Options);
        NegotiateOptions(seg.Options, now);
        InitReceiveWindow();
        HeardFromPeer(now);
        if (hasAck)
        {
            // Our SYN is acknowledged: SND.UNA = SEG.ACK, and the window comes from this segment.
            SndUna = seg.Ack;
            if (!TrySampleTimestampRtt(seg, now) && _rttTiming && SndUna >= _rttSeq)
                SampleRtt(now);
            _retries = 0;
            StopRetransmissionTimer();
            UpdateWindow(seg);
            SetState(TcpState.Established, TcpTransitionCause.RcvSynAck, now);
            _ackNow = true;
            _stack.MarkDirty(this);
            if (FinQueued)
                SetState(TcpState.FinWait1, TcpTransitionCause.Close, now);
            // Data or FIN in the SYN-ACK: continue at the sixth step.
            bool whole = ProcessText(seg, now);
            ProcessFin(seg, now, whole);
            return;
        }

        // A SYN without ACK: simultaneous open (figure 7). Answer <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
        SndWnd = seg.Window;
        SndWl1 = seg.Seq;
        SndWl2 = Iss;
        SetState(TcpState.SynReceived, TcpTransitionCause.RcvSyn, now);
        SndNxt = Iss;
        _stack.MarkDirty(this);
    }

    /// <summary>
    /// RFC 4987 §3.6: the handshake's ACK returned a valid SYN cookie. Rebuild what SYN-RECEIVED would have held —
    /// ISS = the cookie, IRS = SEG.SEQ − 1, the MSS the cookie encoded and the options its TSval carried
    /// (<paramref name="peer"/>, with the ACK's TSval as the first TS.Recent) — and process the ACK as SYN-RECEIVED
    /// does, which establishes the connection and takes any data on it.
    /// </summary>
    public void OpenFromCookie(TcpPacket ack, in TcpOptions peer, Instant now)
    {
        Iss = ack.Ack - 1;
        SndUna = Iss;
        SndNxt = Iss + 1;
        SndMax = Iss + 1;
        SndBufStart = Iss + 1;
        _sndSml = Iss;
        Irs = ack.Seq - 1;
        RcvNxt = ack.Seq;
        TakeMss(peer);
        NegotiateOptions(peer, now);
        // The ACK's TSecr echoes a TSval whose low bits carried options, not time: no RTT sample from it (RFC 7323 §4.1
        // samples only echoes that measure the path).
        NoteTimeoutForRttm(now);
        _lastAckSent = RcvNxt;
        InitReceiveWindow();
        SndWl1 = Irs;
        SndWl2 = Iss;
        SetState(TcpState.SynReceived, TcpTransitionCause.RcvSyn, now);
        OtherwiseArrives(ack, now);
    }

    /// <summary>The connection stops counting against its listener's backlog as half-open.</summary>
    private void LeaveHalfOpen()
    {
        if (_halfOpenCounted && Listener is not null)
            Listener.HalfOpen--;
        _halfOpenCounted = false;
    }

    private static TcpSegmentSummary NetStackSummary(TcpPacket seg) => SynAck.Stack.NetStack.Summary(seg);

    /// <summary>The first window: what a SYN's unscaled 16-bit field can offer (RFC 7323 §2.2); it grows after the handshake.</summary>
    private void InitReceiveWindow()
    {
        RcvWndRight = RcvNxt + Math.Min(_recv.Free, 65535);
    }
}
