using SynAck.Time;

namespace SynAck.Tcp;

/// <summary>
/// The retransmission timeout of RFC 6298: SRTT and RTTVAR from samples (§2.2, §2.3), RTO = SRTT + max(G, 4·RTTVAR)
/// clamped to [MinRto, MaxRto] (§2.4) — or, as Linux (<see cref="TcpSettings.MinRtoAboveSrtt"/>), SRTT + max(MinRto, 4·RTTVAR) — doubled on each expiry (§5.5). Karn's rule (§3) is the caller's: it only
/// samples segments that were never retransmitted. A mutable struct kept inline in its connection (one object fewer
/// per connection): hold it in a field that is not readonly.
/// </summary>
internal struct RttEstimator
{
    // Clock granularity G of §2.3: our clock is the nanosecond Instant, so G is tiny; 1 ms keeps RTO sane.
    private static readonly Duration s_granularity = Duration.FromMilliseconds(1);
    // The bounds are read from the settings (one reference instead of three durations per connection).
    private readonly TcpSettings _bounds;

    public RttEstimator(TcpSettings bounds)
    {
        _bounds = bounds;
        Rto = Clamp(bounds.InitialRto, Duration.Zero, bounds.MaxRto);
    }

    /// <summary>An estimator with the given initial RTO and bounds, RFC 6298's bound (tests of the estimator alone).</summary>
    public RttEstimator(Duration initial, Duration min, Duration max)
        : this(new TcpSettings { InitialRto = initial, MinRto = min, MaxRto = max, MinRtoAboveSrtt = false })
    {
    }

    /// <summary>A valid sample has been taken (SRTT and RTTVAR are set).</summary>
    public readonly bool HasSample => SampleCount > 0;

    public Duration Srtt { get; private set; }

    public Duration RttVar { get; private set; }

    /// <summary>The current timeout, including backoff.</summary>
    public Duration Rto { get; private set; }

    public int Backoff { get; private set; }

    /// <summary>The most recent sample (for HyStart++'s per-round minimum, RFC 9406).</summary>
    public Duration Latest { get; private set; }

    /// <summary>The smallest sample (RFC 8985 §6.2 sizes the reordering window from it).</summary>
    public Duration MinRtt { get; private set; }

    /// <summary>Samples taken so far (modulo 2³¹ − 1); a caller compares it before and after an ACK to see whether one was taken.</summary>
    public int SampleCount { get; private set; }

    public void Sample(Duration r)
    {
        if (r < Duration.Zero)
            return;
        Latest = r;
        bool first = SampleCount == 0;
        // Past int.MaxValue the count starts again at 1, never 0 (which means "no sample yet").
        SampleCount = SampleCount == int.MaxValue ? 1 : SampleCount + 1;
        if (first || r < MinRtt)
            MinRtt = r;
        if (first)
        {
            // RFC 6298 §2.2: first measurement.
            Srtt = r;
            RttVar = r / 2;
        }
        else
        {
            // RFC 6298 §2.3: alpha = 1/8, beta = 1/4, RTTVAR updated with the old SRTT.
            long err = Math.Abs((Srtt - r).Nanoseconds);
            RttVar = new Duration((3 * RttVar.Nanoseconds + err) / 4);
            Srtt = new Duration((7 * Srtt.Nanoseconds + r.Nanoseconds) / 8);
        }
        Backoff = 0;
        // Linux (tcp_rtt_estimator, tcp_set_rto) keeps the variance term at MinRto or more, so the RTO always allows a
        // round trip plus MinRto; RFC 6298 §2.4 bounds the sum instead (TcpSettings.MinRtoAboveSrtt).
        var variance = _bounds.MinRtoAboveSrtt ? Duration.Max(_bounds.MinRto, RttVar * 4) : Duration.Max(s_granularity, RttVar * 4);
        Rto = Clamp(Srtt + variance, _bounds.MinRto, _bounds.MaxRto);
    }

    /// <summary>RFC 6298 §5.5: double the RTO on expiry, up to the maximum.</summary>
    public void BackOff()
    {
        Backoff++;
        long max = _bounds.MaxRto.Nanoseconds;
        long doubled = Rto.Nanoseconds >= max / 2 ? max : Rto.Nanoseconds * 2;
        Rto = new Duration(doubled);
    }

    /// <summary>
    /// RFC 6298 §5.7: when a SYN or SYN-ACK had to be retransmitted and no sample exists yet, data transfer starts
    /// with an RTO of 3 s rather than the backed-off or initial value.
    /// </summary>
    public void ResetAfterSynTimeout()
    {
        if (HasSample)
            return;
        Backoff = 0;
        Rto = Clamp(Duration.FromSeconds(3), _bounds.MinRto, _bounds.MaxRto);
    }

    /// <summary>A new ACK arrived: keep the backed-off value until a fresh sample (RFC 6298 §5.7 allows either), but clear the count.</summary>
    public void ClearBackoffCount() => Backoff = 0;

    private static Duration Clamp(Duration d, Duration lo, Duration hi) => d < lo ? lo : d > hi ? hi : d;
}
