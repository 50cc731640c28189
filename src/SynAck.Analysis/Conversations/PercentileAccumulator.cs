using SynAck.Time;

namespace SynAck.Analysis.Conversations;

/// <summary>
/// Collects durations for percentiles in bounded memory: every value while there are few, then a log-scale
/// histogram (200 buckets per decade from 1 µs, so a percentile is off by at most 1.2 %).
/// </summary>
internal sealed class PercentileAccumulator
{
    private const int ExactLimit = 1 << 16;
    private const double BucketsPerDecade = 200;
    private const int BucketCount = 12 * 200;

    private List<long>? _exact = [];
    private long[]? _buckets;
    private long _count;
    private long _max;

    public void Add(Duration d)
    {
        long ns = Math.Max(0, d.Nanoseconds);
        _count++;
        _max = Math.Max(_max, ns);
        if (_exact is not null)
        {
            _exact.Add(ns);
            if (_exact.Count <= ExactLimit)
                return;
            _buckets = new long[BucketCount];
            foreach (var v in _exact)
                _buckets[Bucket(v)]++;
            _exact = null;
            return;
        }
        _buckets![Bucket(ns)]++;
    }

    public DurationPercentiles Snapshot()
    {
        if (_count == 0)
            return new DurationPercentiles(0, null, null, null, null);
        return new DurationPercentiles(_count, At(0.50), At(0.90), At(0.99), new Duration(_max));
    }

    private Duration At(double q)
    {
        // Nearest rank: the smallest value with at least q of the values at or below it.
        long rank = Math.Max(1, (long)Math.Ceiling(q * _count));
        if (_exact is not null)
        {
            var sorted = _exact.Order().ToList();
            return new Duration(sorted[(int)rank - 1]);
        }
        long seen = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            seen += _buckets![i];
            if (seen >= rank)
                return new Duration(Math.Min(_max, UpperBound(i)));
        }
        return new Duration(_max);
    }

    private static int Bucket(long ns)
    {
        double us = ns / 1000.0;
        if (us <= 1)
            return 0;
        int b = (int)Math.Ceiling(Math.Log10(us) * BucketsPerDecade);
        return Math.Clamp(b, 0, BucketCount - 1);
    }

    private static long UpperBound(int bucket) => (long)(Math.Pow(10, bucket / BucketsPerDecade) * 1000.0);
}
