using SynAck.Time;

namespace SynAck.Tcp;

/// <summary>
/// The retransmission timeout of RFC 6298: SRTT and RTTVAR from samples (§2.2, §2.3), RTO = SRTT + max(G, 4·RTTVAR)
/// clamped to [MinRto, MaxRto] (§2.4), doubled on each expiry (§5.5). Karn's rule (§3) is the caller's: it only
/// samples segments that were never retransmitted. A mutable struct kept inline in its connection (one object fewer
/// per connection): hold it in a field that is not readonly.
/// </summary>
internal struct RttEstimator
{
    // Clock granularity G of §2.3: our clock is the nanosecond Instant, so G is tiny; 1 ms keeps RTO sane.
    private static readonly Duration s_granularity = Duration.FromMilliseconds(1);
    private readonly Duration _min;
    private readonly Duration _max;
    private Duration _base;

    public RttEstimator(Duration initial, Duration min, Duration max)
    {
        _min = min;
        _max = max;
        _base = Clamp(initial, Duration.Zero, max);
        Rto = _base;
    }

    public bool HasSample { get; private set; }

    public Duration Srtt { get; private set; }

    public Duration RttVar { get; private set; }

    /// <summary>The current timeout, including backoff.</summary>
    public Duration Rto { get; private set; }

    public int Backoff { get; private set; }

    /// <summary>The most recent sample (for HyStart++'s per-round minimum, RFC 9406).</summary>
    public Duration Latest { get; private set; }

    /// <summary>The smallest sample (RFC 8985 §6.2 sizes the reordering window from it).</summary>
    public Duration MinRtt { get; private set; }

    /// <summary>Samples taken so far; a caller compares it before and after an ACK to see whether one was taken.</summary>
    public long SampleCount { get; private set; }

    public void Sample(Duration r)
    {
        if (r < Duration.Zero)
            return;
        Latest = r;
        SampleCount++;
        if (SampleCount == 1 || r < MinRtt)
            MinRtt = r;
        if (!HasSample)
        {
            // RFC 6298 §2.2: first measurement.
            Srtt = r;
            RttVar = r / 2;
            HasSample = true;
        }
        else
        {
            // RFC 6298 §2.3: alpha = 1/8, beta = 1/4, RTTVAR updated with the old SRTT.
            long err = Math.Abs((Srtt - r).Nanoseconds);
            RttVar = new Duration((3 * RttVar.Nanoseconds + err) / 4);
            Srtt = new Duration((7 * Srtt.Nanoseconds + r.Nanoseconds) / 8);
        }
        _base = Clamp(Srtt + Duration.Max(s_granularity, RttVar * 4), _min, _max);
        Backoff = 0;
        Rto = _base;
    }

    /// <summary>RFC 6298 §5.5: double the RTO on expiry, up to the maximum.</summary>
    public void BackOff()
    {
        Backoff++;
        long doubled = Rto.Nanoseconds >= _max.Nanoseconds / 2 ? _max.Nanoseconds : Rto.Nanoseconds * 2;
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
        _base = Clamp(Duration.FromSeconds(3), _min, _max);
        Rto = _base;
    }

    /// <summary>A new ACK arrived: keep the backed-off value until a fresh sample (RFC 6298 §5.7 allows either), but clear the count.</summary>
    public void ClearBackoffCount() => Backoff = 0;

    private static Duration Clamp(Duration d, Duration lo, Duration hi) => d < lo ? lo : d > hi ? hi : d;
}
