using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Stack;

public sealed partial class NetStack
{
    private bool _checksumVouched;

    /// <summary>
    /// As <see cref="Deliver"/>, for a packet whose TCP checksum the link vouches for, which is then not verified: a
    /// TUN device's <c>VIRTIO_NET_HDR_F_DATA_VALID</c>, or <c>F_NEEDS_CSUM</c> on a packet that never left the machine
    /// (its checksum field holds only the pseudo-header sum). With segmentation offload the packet may be a 64 KiB
    /// super-packet; TCP takes it as one segment like any other in the window.
    /// </summary>
    public void DeliverChecksumVerified(ReadOnlySpan<byte> ipPacket, Instant now)
    {
        _checksumVouched = true;
        Deliver(ipPacket, now); // never throws
        _checksumVouched = false;
    }

    /// <summary>
    /// Takes one IP packet from the network. Fragments are reassembled, ICMP is answered or passed to the connection it
    /// concerns (see <see cref="IpCounters"/>); anything else that is not a valid TCP segment for this host is counted
    /// and dropped with a reason (see <see cref="Diagnostics.TcpCounters.Drops"/>); this method never throws for
    /// any input. Answers (ACKs, RSTs, ICMP) are queued and leave at the next <see cref="Poll"/>.
    /// </summary>
    public void Deliver(ReadOnlySpan<byte> ipPacket, Instant now)
    {
        _lastNow = now;
        var status = IpPacket.TryParse(ipPacket, out var ip);
        if (status == WireStatus.Fragment)
        {
            DeliverFragment(ipPacket, ip, now);
            return;
        }
        if (status != WireStatus.Ok)
        {
            Counters.InDiscards++;
            Drop(now, TcpDropReason.MalformedIp, default, wire: status);
            return;
        }
        if (ip.Destination != Address)
        {
            Counters.InDiscards++;
            Drop(now, TcpDropReason.WrongAddress, default);
            return;
        }
        if (ip.Protocol != IpProtocol.Tcp)
        {
            DeliverNotTcp(ip, now);
            return;
        }

        Counters.InSegs++;
        status = ip.TryGetTcp(out var tcp, verifyChecksum: !_checksumVouched);
        if (status != WireStatus.Ok)
        {
            Counters.InErrs++;
            Drop(now, status == WireStatus.BadChecksum ? TcpDropReason.BadChecksum : TcpDropReason.MalformedTcp, default, wire: status);
            return;
        }

        var id = new ConnectionId(ip.Destination, tcp.DestinationPort, ip.Source, tcp.SourcePort);
        if (tcp.SourcePort == 0 || tcp.DestinationPort == 0 || ip.Source.IsV6 != Address.IsV6)
        {
            Counters.InErrs++;
            Drop(now, TcpDropReason.BadPort, id, true, Summary(tcp));
            return;
        }

        if (_connections.TryGetValue(id, out var c))
        {
            Received(now, id, tcp);
            c.SegmentArrives(tcp, now);
            Reschedule(c);
            return;
        }
        if (_timeWait.TryGet(id, out int slot))
        {
            Received(now, id, tcp);
            TimeWaitArrives(slot, id, tcp, now);
            return;
        }
        if (_listeners.TryGetValue(id.LocalPort, out var listener))
        {
            Received(now, id, tcp);
            ListenArrives(listener, id, tcp, now, null);
            return;
        }
        NoConnectionArrives(id, tcp, now);
    }

    internal static TcpSegmentSummary Summary(TcpPacket tcp)
        => new(tcp.Flags, tcp.Seq, tcp.Ack, tcp.Window, tcp.Payload.Length, tcp.Options);

    private void Received(Instant now, in ConnectionId id, TcpPacket tcp)
    {
        if (_observers.Length > 0)
            Emit(new TcpEvent { Kind = TcpEventKind.SegmentReceived, Time = now, Connection = id, HasSegment = true, Segment = Summary(tcp) });
    }

    /// <summary>RFC 9293 §3.10.7.1: CLOSED (no connection). A RST is dropped; anything else gets a RST that the sender will accept.</summary>
    private void NoConnectionArrives(in ConnectionId id, TcpPacket tcp, Instant now)
    {
        var flags = tcp.Flags;
        if ((flags & TcpFlags.Rst) != 0)
        {
            Drop(now, TcpDropReason.RstNoConnection, id, true, Summary(tcp));
            return;
        }
        if ((flags & TcpFlags.Ack) != 0)
            QueueControl(id, tcp.Ack, default, TcpFlags.Rst); // <SEQ=SEG.ACK><CTL=RST>
        else
            QueueControl(id, default, tcp.Seq + tcp.SegmentLength, TcpFlags.Rst | TcpFlags.Ack); // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
        Drop(now, TcpDropReason.NoConnection, id, true, Summary(tcp));
    }

    /// <summary>RFC 9293 §3.10.7.2: LISTEN.</summary>
    private void ListenArrives(TcpListener listener, in ConnectionId id, TcpPacket tcp, Instant now, SeqNum? issFloor)
    {
        var flags = tcp.Flags;
        // First: check for a RST — an incoming RST is ignored.
        if ((flags & TcpFlags.Rst) != 0)
        {
            Drop(now, TcpDropReason.ListenRst, id, true, Summary(tcp));
            return;
        }
        // Second: check for an ACK — any acknowledgment is bad here: <SEQ=SEG.ACK><CTL=RST>. Unless it returns a
        // SYN cookie we sent (RFC 4987 §3.6): then it completes a handshake we kept no state for.
        if ((flags & TcpFlags.Ack) != 0)
        {
            if ((flags & TcpFlags.Syn) == 0 && TryOpenFromCookie(listener, id, tcp, now))
                return;
            QueueControl(id, tcp.Ack, default, TcpFlags.Rst);
            Drop(now, TcpDropReason.ListenAck, id, true, Summary(tcp));
            return;
        }
        // Fourth: other control or text — without SYN there is nothing to do.
        if ((flags & TcpFlags.Syn) == 0)
        {
            Drop(now, TcpDropReason.ListenNoSyn, id, true, Summary(tcp));
            return;
        }
        // Third: a SYN. (The security check of the third step does not apply: no IPsec/compartments.)
        // RFC 9293 leaves SYN+FIN to the receiver; Linux drops it in LISTEN (tcp_rcv_state_process), and an answer would
        // tell SynAck apart to a scanner (nmap's T3 probe) and let the probe through a stateless filter.
        if ((flags & TcpFlags.Fin) != 0)
        {
            Drop(now, TcpDropReason.ListenSynFin, id, true, Summary(tcp));
            return;
        }
        // RFC 4987 §3.6: cookies when the backlog is full, or for every SYN when asked to (Linux tcp_syncookies=2).
        if ((listener.IsFull || Settings.SynCookiesAlways) && Settings.SynCookies && _connections.Count < Settings.MaxConnections)
        {
            SendSynCookie(listener, id, tcp, now);
            return;
        }
        if (listener.IsFull || _connections.Count >= Settings.MaxConnections)
        {
            Drop(now, listener.IsFull ? TcpDropReason.ListenOverflow : TcpDropReason.ConnectionLimit, id, true, Summary(tcp));
            return;
        }
        var c = new TcpConnection(this, id, listener, now, issFloor);
        _connections.Add(c);
        c.PassiveOpen(tcp, now);
        Reschedule(c);
    }

    /// <summary>
    /// RFC 4987 §3.6: the backlog is full, so answer &lt;SEQ=cookie&gt;&lt;ACK=SEG.SEQ+1&gt;&lt;CTL=SYN,ACK&gt; and keep nothing.
    /// The SYN-ACK offers the whole unscaled window and our MSS; when the SYN carried timestamps, also the window scale,
    /// SACK-permitted and timestamps options agreed from it, the first two remembered in the TSval's low bits
    /// (<see cref="SynCookie.EncodeTsVal"/>) so that the connection is not capped at a 64 KiB window.
    /// </summary>
    private void SendSynCookie(TcpListener listener, in ConnectionId id, TcpPacket syn, Instant now)
    {
        int peerMss = syn.Options.HasMss ? syn.Options.Mss : (id.LocalAddress.IsV6 ? 1220 : 536);
        var cookie = SynCookie.Make(_isn.Key, id, syn.Seq, peerMss, now);
        listener.LastCookieAt = now.Nanoseconds;
        var s = new ControlSegment
        {
            Id = id,
            Seq = cookie,
            Ack = syn.Seq + 1,
            Flags = TcpFlags.Syn | TcpFlags.Ack,
            Window = (ushort)Math.Min(Settings.ReceiveBufferSize, 65535),
            Mss = Settings.MssFor(id.LocalAddress.IsV6),
        };
        if (Settings.Timestamps && syn.Options.HasTimestamps)
        {
            // RFC 7323 §2.2, RFC 2018 §2: each option only in answer to the SYN's; RFC 7323 §3.2: TSecr = the SYN's TSval.
            s.HasWindowScale = Settings.WindowScaling && syn.Options.HasWindowScale;
            s.WindowScale = Settings.ReceiveWindowShift;
            s.SackPermitted = Settings.Sack && syn.Options.SackPermitted;
            s.HasTimestamps = true;
            s.TsVal = SynCookie.EncodeTsVal(TsClock(id, now), s.HasWindowScale, syn.Options.WindowScale, s.SackPermitted);
            s.TsEcr = syn.Options.TsVal;
        }
        _control.TryEnqueue(s);
        Drop(now, TcpDropReason.SynCookieSent, id, true, Summary(syn));
    }

    /// <summary>
    /// An ACK in LISTEN that may return a SYN cookie: only checked while cookies were sent in the last two minutes
    /// (as Linux does, so that guessing cookies needs an overflow first). A valid one creates the connection, which then
    /// takes the ACK (and any data on it) as SYN-RECEIVED would — unless the accept queue is full, when the ACK is
    /// dropped without an answer (as Linux does): the peer's retransmissions come back once there is room.
    /// False when the ACK holds no valid cookie (it is then answered with RST as usual).
    /// </summary>
    private bool TryOpenFromCookie(TcpListener listener, in ConnectionId id, TcpPacket ack, Instant now)
    {
        if (!Settings.SynCookies || listener.LastCookieAt == long.MinValue
            || now.Nanoseconds - listener.LastCookieAt > Duration.FromSeconds(128).Nanoseconds)
            return false;
        if (!SynCookie.TryCheck(_isn.Key, id, ack.Seq - 1, ack.Ack - 1, now, out ushort mss))
            return false;
        // The options the cookie SYN-ACK agreed, echoed in TSecr; an ACK without timestamps gets none of them.
        var peer = new TcpOptions { HasMss = true, Mss = mss };
        if (Settings.Timestamps && ack.Options.HasTimestamps)
        {
            SynCookie.DecodeTsEcr(ack.Options.TsEcr, out bool ws, out byte shift, out bool sack);
            peer.HasWindowScale = ws;
            peer.WindowScale = shift;
            peer.SackPermitted = sack;
            peer.HasTimestamps = true;
            peer.TsVal = ack.Options.TsVal;
        }
        if (listener.Queued >= listener.Backlog || _connections.Count >= Settings.MaxConnections)
        {
            Drop(now, listener.Queued >= listener.Backlog ? TcpDropReason.ListenOverflow : TcpDropReason.ConnectionLimit, id, true, Summary(ack));
            return true;
        }
        var c = new TcpConnection(this, id, listener, now, null);
        _connections.Add(c);
        c.OpenFromCookie(ack, peer, now);
        Reschedule(c);
        return true;
    }

    /// <summary>
    /// A segment for a 4-tuple in TIME-WAIT (RFC 9293 §3.10.7.4, TIME-WAIT in each step). Only a retransmitted FIN is
    /// expected: it is acknowledged again and 2MSL restarts. A RST is ignored (RFC 1337, against TIME-WAIT
    /// assassination). A new SYN above RCV.NXT may open a new incarnation at once (RFC 6191, RFC 9293 §3.10.7.4 fourth).
    /// </summary>
    private void TimeWaitArrives(int slot, in ConnectionId id, TcpPacket tcp, Instant now)
    {
        var e = _timeWait[slot];
        var flags = tcp.Flags;
        if ((flags & TcpFlags.Rst) != 0)
        {
            Drop(now, TcpDropReason.TimeWaitRst, id, true, Summary(tcp));
            return;
        }
        if ((flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn && IsNewIncarnation(e, tcp)
            && _listeners.TryGetValue(id.LocalPort, out var listener))
        {
            // The new incarnation's ISN must lie above everything the old one sent (RFC 1122 §4.2.2.13).
            SeqNum floor = e.SndNxt + 131072;
            EndTimeWait(slot, now, TcpTransitionCause.RcvSyn);
            ListenArrives(listener, id, tcp, now, floor);
            return;
        }
        if ((flags & TcpFlags.Fin) != 0 && tcp.Seq + tcp.Payload.Length + 1 == e.RcvNxt)
        {
            TimeWaitAck(e, now);
            _timeWait.Restart(slot, now + Settings.Msl * 2);
            return;
        }
        // Anything else is an old duplicate: an ACK tells its sender where this side stands (RFC 9293 §3.10.7.4 first).
        // A bare ACK inside the window is ignored; outside it, it is unacceptable and answered too. A SYN or a bare ACK
        // is answered at most once per InvalidAckInterval for this 4-tuple (as Linux does), so two ends cannot keep
        // acknowledging each other's stale ACKs; data or a FIN always is.
        bool pureAck = (flags & (TcpFlags.Syn | TcpFlags.Fin)) == 0 && tcp.Payload.Length == 0;
        bool outOfWindow = tcp.Seq != e.RcvNxt && !tcp.Seq.InWindow(e.RcvNxt, (uint)e.Window << e.RcvShift);
        if (!pureAck || outOfWindow)
        {
            if (((flags & TcpFlags.Syn) == 0 && !pureAck) || _timeWait.TryTakeInvalidAck(slot, now, Settings.InvalidAckInterval))
                TimeWaitAck(e, now);
            else
                Counters.InvalidAcksLimited++;
        }
        Drop(now, TcpDropReason.TimeWaitSegment, id, true, Summary(tcp));
    }

    /// <summary>
    /// RFC 6191 §2: a SYN may reopen a 4-tuple in TIME-WAIT when it is from a new incarnation — by its timestamp when
    /// the new incarnation will use them (TSval above the last one the old connection saw; a connection without
    /// timestamps saw none, so it counts as 0, as in Linux), otherwise by its sequence number (above RCV.NXT,
    /// RFC 9293 §3.10.7.4 fourth).
    /// </summary>
    private bool IsNewIncarnation(in TimeWaitEntry e, TcpPacket syn)
    {
        if (Settings.Timestamps && syn.Options.HasTimestamps)
        {
            int d = unchecked((int)(syn.Options.TsVal - (e.TsOk ? e.TsRecent : 0u)));
            return d > 0 || (d == 0 && syn.Seq > e.RcvNxt);
        }
        return syn.Seq > e.RcvNxt;
    }

    /// <summary>The ACK TIME-WAIT answers with: where each direction ended, with a timestamp when the connection used them.</summary>
    private void TimeWaitAck(in TimeWaitEntry e, Instant now)
    {
        if (e.TsOk)
            QueueTimestampedAck(e.Id, e.SndNxt, e.RcvNxt, e.Window, TsClock(e.Id, now), e.TsRecent);
        else
            QueueControl(e.Id, e.SndNxt, e.RcvNxt, TcpFlags.Ack, e.Window);
    }

    private void EndTimeWait(int slot, Instant now, TcpTransitionCause cause)
    {
        var id = _timeWait[slot].Id;
        _timeWait.Remove(slot);
        Counters.TimeWait = _timeWait.Count;
        if (_observers.Length > 0)
        {
            if (cause == TcpTransitionCause.TimeWaitExpired)
                Emit(new TcpEvent { Kind = TcpEventKind.TimerFired, Time = now, Connection = id, Timer = TcpTimerKind.TimeWait });
            Emit(new TcpEvent { Kind = TcpEventKind.StateChanged, Time = now, Connection = id, From = TcpState.TimeWait, To = TcpState.Closed, Cause = cause });
        }
    }
}
