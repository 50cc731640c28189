using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

internal sealed partial class TcpConnection
{
    // Shifts are at most 14 (RFC 7323 §2.3): a byte each.
    private byte _sndShift;
    private byte _rcvShift;

    /// <summary>RFC 7323 §2: both SYNs carried a window scale option, so every later window field is shifted.</summary>
    public bool WindowScaleOk { get => HasFlag(ConnectionFlags.WindowScaleOk); private set => SetFlag(ConnectionFlags.WindowScaleOk, value); }

    /// <summary>Snd.Wind.Shift (RFC 7323 §2.2): the peer's shift, applied to the windows it sends us.</summary>
    public int SndShift
    {
        get => _sndShift;
        private set => _sndShift = (byte)value;
    }

    /// <summary>Rcv.Wind.Shift (RFC 7323 §2.2): our shift, applied to the windows we send.</summary>
    public int RcvShift
    {
        get => _rcvShift;
        private set => _rcvShift = (byte)value;
    }

    /// <summary>RFC 7323 §3: both SYNs carried timestamps, so every segment does, for RTTM and PAWS.</summary>
    public bool TimestampsOk { get => HasFlag(ConnectionFlags.TimestampsOk); private set => SetFlag(ConnectionFlags.TimestampsOk, value); }

    /// <summary>TS.Recent (RFC 7323 §4.3): the peer's timestamp we echo and PAWS compares against.</summary>
    public uint TsRecent { get; private set; }

    /// <summary>When <see cref="TsRecent"/> was last set, for the 24-day idle rule of RFC 7323 §5.5.</summary>
    private Instant _tsRecentAge;

    /// <summary>Our TSval when the retransmission timer last fired (see <see cref="TrySampleTimestampRtt"/>).</summary>
    private uint _tsAtRto;

    private bool _tsRtoValid { get => HasFlag(ConnectionFlags.TsRtoValid); set => SetFlag(ConnectionFlags.TsRtoValid, value); }

    /// <summary>Last.ACK.sent (RFC 7323 §4.3): the ACK field of our latest segment.</summary>
    private SeqNum _lastAckSent;

    /// <summary>RFC 7323 §5.5: a TS.Recent older than 24 days may be from a clock that wrapped its sign bit since.</summary>
    private static readonly Duration s_pawsIdle = Duration.FromSeconds(24L * 24 * 3600);

    /// <summary>The largest window we can announce: the receive buffer, capped by what the window field can say.</summary>
    private int MaxRcvWindow => Math.Min(_recv.Capacity, 65535 << RcvShift);

    /// <summary>
    /// Settles the options both sides offered, from the peer's SYN (passive open, simultaneous open) or SYN-ACK
    /// (active open). We offer an option on our SYN exactly when its setting is on, and answer one on a SYN-ACK only
    /// when the peer's SYN carried it, so "the setting is on and the peer's SYN had it" is the agreement in both cases.
    /// </summary>
    private void NegotiateOptions(in TcpOptions peer, Instant now)
    {
        // RFC 7323 §3.2: timestamps are in force only when both SYNs carried them; the SYN's TSval is the first TS.Recent.
        TimestampsOk = _settings.Timestamps && peer.HasTimestamps;
        if (TimestampsOk)
        {
            TsRecent = peer.TsVal;
            _tsRecentAge = now;
        }
        // RFC 7323 §2.2: scaling is in force only when both SYNs carried the option; §2.3: a shift above 14 is taken as 14.
        WindowScaleOk = _settings.WindowScaling && peer.HasWindowScale;
        SndShift = WindowScaleOk ? Math.Min((int)peer.WindowScale, TcpSettings.MaxWindowShift) : 0;
        RcvShift = WindowScaleOk ? _settings.ReceiveWindowShift : 0;
        // RFC 2018 §2: SACK-permitted on both SYNs.
        SackOk = _settings.Sack && peer.SackPermitted;
        if (TimestampsOk)
        {
            // RFC 9293 §3.7.1: Eff.snd.MSS leaves room for the TCP options every segment carries — 12 bytes of timestamps.
            SndMss = Math.Max(SndMss - TimestampsLength, 64);
            _congestion?.SetMss(SndMss);
        }
    }

    /// <summary>Bytes a timestamps option takes in a segment without SYN (two NOPs, kind, length, TSval, TSecr).</summary>
    private const int TimestampsLength = 12;

    /// <summary>Adds the options a SYN (or SYN-ACK) carries to <paramref name="o"/>.</summary>
    private void AddSynOptions(ref TcpOptions o, Instant now)
    {
        // RFC 9293 §3.7.1: a SYN carries the MSS we can receive.
        o.HasMss = true;
        o.Mss = OurMss;
        bool offer = State == TcpState.SynSent;
        // RFC 7323 §2.2: the WS option goes on a SYN, and on a SYN-ACK only in answer to one.
        if (offer ? _settings.WindowScaling : WindowScaleOk)
        {
            o.HasWindowScale = true;
            o.WindowScale = _settings.ReceiveWindowShift;
        }
        // RFC 2018 §2: SACK-permitted on a SYN, and on a SYN-ACK only in answer to one.
        o.SackPermitted = offer ? _settings.Sack : SackOk;
        // RFC 7323 §3.2: TSopt on a SYN (TSecr 0), and on a SYN-ACK only in answer to one (TSecr = the SYN's TSval).
        if (offer ? _settings.Timestamps : TimestampsOk)
        {
            o.HasTimestamps = true;
            o.TsVal = TsVal(now);
            o.TsEcr = offer ? 0 : TsRecent;
        }
    }

    /// <summary>Our TSval now: a millisecond clock (RFC 7323 §5.4: between 1 ms and 1 s per tick) plus the 4-tuple's offset.</summary>
    private uint TsVal(Instant now) => unchecked(_tsOffset + (uint)(now.Nanoseconds / 1_000_000));

    /// <summary>The retransmission timer fired: echoes of earlier timestamps no longer measure the path.</summary>
    private void NoteTimeoutForRttm(Instant now)
    {
        _tsAtRto = TsVal(now);
        _tsRtoValid = TimestampsOk;
    }

    /// <summary>Stamps a non-SYN segment we send: TSopt when negotiated (RFC 7323 §3.2), and Last.ACK.sent.</summary>
    private void StampSegment(ref TcpHeaderFields h, Instant now, int payloadLength)
    {
        _lastAckSent = h.Ack;
        if (TimestampsOk)
        {
            h.Options.HasTimestamps = true;
            h.Options.TsVal = TsVal(now);
            h.Options.TsEcr = TsRecent;
        }
        AddSackBlocks(ref h, payloadLength);
    }

    /// <summary>
    /// RFC 7323 §5.3 R1 (PAWS): a segment whose TSval is older than TS.Recent is an old duplicate — unless TS.Recent is
    /// more than 24 days old (§5.5), when it is no longer a valid reference. RSTs are exempt (§5.3: they may carry no
    /// or stale timestamps). A segment without TSopt on a timestamped connection is let through, as Linux does,
    /// rather than dropped as §3.2 allows.
    /// </summary>
    private bool PassesPaws(TcpPacket seg, Instant now)
    {
        if (!TimestampsOk || !seg.Options.HasTimestamps || (seg.Flags & TcpFlags.Rst) != 0)
            return true;
        if (unchecked((int)(seg.Options.TsVal - TsRecent)) >= 0)
            return true;
        if (now - _tsRecentAge > s_pawsIdle)
        {
            TsRecent = seg.Options.TsVal;
            _tsRecentAge = now;
            return true;
        }
        return false;
    }

    /// <summary>
    /// RFC 7323 §4.3 (2): an acceptable segment with SEG.TSval ≥ TS.Recent and SEG.SEQ ≤ Last.ACK.sent updates
    /// TS.Recent, so that with delayed ACKs the echoed value is that of the earliest unacknowledged segment.
    /// </summary>
    private void UpdateTsRecent(TcpPacket seg, Instant now)
    {
        if (!TimestampsOk || !seg.Options.HasTimestamps)
            return;
        if (unchecked((int)(seg.Options.TsVal - TsRecent)) >= 0 && seg.Seq <= _lastAckSent)
        {
            TsRecent = seg.Options.TsVal;
            _tsRecentAge = now;
        }
    }

    /// <summary>
    /// RTTM (RFC 7323 §4.1, §4.2): an ACK that advances SND.UNA and echoes one of our timestamps gives an RTT sample
    /// of now − TSecr. False when there is none to take (the caller may then time a segment the classic way).
    /// One exception, in Karn's spirit: after a retransmission timeout, an echo of a TSval from before the timeout is
    /// not taken. It arrives when only our ACKs were lost — the peer drops our retransmission as a duplicate and
    /// echoes the original's timestamp (§4.3 updates TS.Recent only from in-window segments) — and would measure our
    /// backed-off timeout, not the path; taking it inflates the RTO after every such loss until the connection crawls.
    /// </summary>
    private bool TrySampleTimestampRtt(TcpPacket seg, Instant now)
    {
        if (!TimestampsOk || !seg.Options.HasTimestamps || seg.Options.TsEcr == 0)
            return false;
        if (_tsRtoValid && unchecked((int)(seg.Options.TsEcr - _tsAtRto)) < 0)
            return true;
        int ms = unchecked((int)(TsVal(now) - seg.Options.TsEcr));
        if (ms < 0)
            return false;
        _rtt.Sample(Duration.FromMilliseconds(ms));
        _rttTiming = false;
        return true;
    }

    /// <summary>
    /// SEG.WND in bytes: shifted by the peer's scale, except in a segment with SYN, whose window is never scaled
    /// (RFC 7323 §2.2).
    /// </summary>
    private uint SegmentWindow(TcpPacket seg)
        => (seg.Flags & TcpFlags.Syn) != 0 ? seg.Window : (uint)seg.Window << SndShift;
}
