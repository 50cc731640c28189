using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp.Congestion;

/// <summary>
/// What every congestion control algorithm answers to: cwnd and ssthresh, grown on new ACKs while the sender is
/// cwnd-limited (RFC 7661), cut on loss and on timeout. Loss recovery itself (fast retransmit, NewReno's inflation,
/// RFC 6675's pipe) belongs to the connection; the algorithm only chooses the window sizes. Slow start is shared:
/// RFC 5681 §3.1 growth by the bytes acknowledged, at most 2·SMSS per ACK (RFC 3465's L), with HyStart++ (RFC 9406)
/// deciding when to leave it early where the algorithm enables it.
/// </summary>
internal abstract class CongestionControl
{
    private int _ssCarry;

    // HyStart++ is made at the first RTT sample of slow start: a connection that never sends data never needs it.
    // _hyStartOff: the algorithm does not use it, or a loss ended slow start before it was made.
    private HyStartPlusPlus? _hyStart;
    private bool _hyStartOff;

    protected CongestionControl(int mss, bool hyStart)
    {
        Mss = mss;
        Cwnd = InitialWindow(mss);
        Ssthresh = InitialSsthresh;
        _hyStartOff = !hyStart;
    }

    public abstract CongestionAlgorithm Algorithm { get; }

    public int Mss { get; private set; }

    public int Cwnd { get; set; }

    public int Ssthresh { get; set; }

    public bool InSlowStart => Cwnd < Ssthresh;

    /// <summary>
    /// When data was last sent (RFC 5681 §4.1's idle restart). The connection applies the rule; the time is kept here
    /// so that a connection that never sent data holds none of it.
    /// </summary>
    public Instant LastDataSent { get; set; }

    /// <summary>RFC 7661: SND.NXT when the current window of cwnd use began (the connection applies the rule).</summary>
    public SeqNum CwndUsageSeq { get; set; }

    /// <summary>HyStart++ left standard slow start on rising delay (RFC 9406 §4.2), before any loss did.</summary>
    public bool HyStartExited => _hyStart?.Exited ?? false;

    /// <summary>RFC 5681 §3.1: ssthresh starts arbitrarily high.</summary>
    public const int InitialSsthresh = int.MaxValue;

    /// <summary>RFC 6928 §2: IW = min(10·MSS, max(2·MSS, 14600)).</summary>
    public static int InitialWindow(int mss) => Math.Min(10 * mss, Math.Max(2 * mss, 14600));

    /// <summary>Eff.snd.MSS is settled (handshake): the initial window follows it.</summary>
    public void SetMss(int mss)
    {
        Mss = mss;
        Cwnd = InitialWindow(mss);
    }

    /// <summary>RFC 5681 §3.1 / RFC 6928 §2: the SYN or SYN-ACK was retransmitted, so the initial window is one segment.</summary>
    public void UseLossWindowAsInitial() => Cwnd = Mss;

    /// <summary>New data acknowledged outside recovery, while the sender was cwnd-limited (RFC 7661).</summary>
    /// <param name="acked">Bytes the ACK acknowledged.</param>
    /// <param name="now">The ACK's arrival.</param>
    /// <param name="srtt">The smoothed RTT.</param>
    /// <param name="slowStartLimit">RFC 3465's L in segments (<see cref="TcpSettings.SlowStartAckLimit"/>); 0: none.</param>
    public void OnAck(int acked, Instant now, Duration srtt, int slowStartLimit = 2)
    {
        if (InSlowStart)
        {
            // RFC 3465 with L = 2·SMSS (RFC 5681 §3.1 allows it): a delayed ACK of two segments grows cwnd by two.
            // Linux counts every segment acknowledged (tcp_slow_start): L = 0 here.
            int grow = slowStartLimit > 0 ? Math.Min(acked, slowStartLimit * Mss) : acked;
            if (_hyStart is { InCss: true })
            {
                // RFC 9406 §4.2: in Conservative Slow Start cwnd grows by a quarter of what slow start would add.
                _ssCarry += grow;
                grow = _ssCarry / HyStartPlusPlus.CssGrowthDivisor;
                _ssCarry %= HyStartPlusPlus.CssGrowthDivisor;
            }
            Cwnd = (int)Math.Min((long)Cwnd + grow, 1 << 30);
            return;
        }
        CongestionAvoidance(acked, now, srtt);
        Cwnd = Math.Min(Cwnd, 1 << 30);
    }

    /// <summary>One RTT sample with the ACK that produced it (RFC 9406 tracks rounds by SND.NXT).</summary>
    public void OnRttSample(Duration rtt, SeqNum ack, SeqNum sndNxt)
    {
        if (_hyStartOff || !InSlowStart)
            return;
        _hyStart ??= new HyStartPlusPlus();
        if (_hyStart.OnSample(rtt, ack, sndNxt) && _hyStart.CssRoundsDone)
        {
            // RFC 9406 §4.2: CSS_ROUNDS rounds of Conservative Slow Start without the RTT falling back: congestion avoidance.
            Ssthresh = Math.Max(Cwnd, 2 * Mss);
        }
    }

    /// <summary>RFC 5681 §3.2 step 2 / RFC 9438 §4.6: a loss was detected; set ssthresh and cwnd = ssthresh.</summary>
    public void OnLoss(int flight, Instant now)
    {
        StopHyStart();
        Ssthresh = Math.Max(ReducedWindow(flight, now), 2 * Mss);
        Cwnd = Ssthresh;
    }

    /// <summary>RFC 5681 §3.1 (4) / RFC 9438 §4.8: a retransmission timeout; ssthresh as for a loss, cwnd = 1 SMSS.</summary>
    public void OnRto(int flight, Instant now)
    {
        StopHyStart();
        Ssthresh = Math.Max(ReducedWindow(flight, now), 2 * Mss);
        Cwnd = Mss;
    }

    /// <summary>RFC 5681 §4.1: after an idle period longer than the RTO, cwnd = min(RW, cwnd) with RW = IW.</summary>
    public void OnIdleRestart(Instant now)
    {
        Cwnd = Math.Min(Cwnd, InitialWindow(Mss));
        RestartEpoch(now);
    }

    /// <summary>RFC 9406 §4.2: a loss or timeout ends slow start without HyStart++.</summary>
    private void StopHyStart()
    {
        if (_hyStart is null)
            _hyStartOff = true;
        else
            _hyStart.Stop();
    }

    /// <summary>What the algorithm would set ssthresh to (before the 2·SMSS floor); may remember the window it cuts from.</summary>
    protected abstract int ReducedWindow(int flight, Instant now);

    /// <summary>Growth above ssthresh for <paramref name="acked"/> bytes.</summary>
    protected abstract void CongestionAvoidance(int acked, Instant now, Duration srtt);

    /// <summary>A stale growth epoch must not count idle time (RFC 9438 §5.8).</summary>
    protected virtual void RestartEpoch(Instant now)
    {
    }

    /// <summary>The state an undo (RFC 5682 / RFC 2883 D-SACK) restores.</summary>
    public virtual (int Cwnd, int Ssthresh) Snapshot() => (Cwnd, Ssthresh);

    /// <summary>A reduction proved spurious: back to the window before it (RFC 4015 §3.2 response).</summary>
    public virtual void Undo((int Cwnd, int Ssthresh) before)
    {
        Cwnd = Math.Max(Cwnd, before.Cwnd);
        Ssthresh = Math.Max(Ssthresh, before.Ssthresh);
    }

    /// <summary>Creates the algorithm for a connection.</summary>
    public static CongestionControl Create(CongestionAlgorithm algorithm, int mss) => algorithm switch
    {
        CongestionAlgorithm.NewReno => new NewRenoCongestionControl(mss),
        _ => new CubicCongestionControl(mss),
    };
}
