using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Stack.Ip;

/// <summary>
/// ICMP output limits on the virtual clock, after Linux: a stack-wide token bucket of
/// <see cref="IpSettings.IcmpMessagesPerSecond"/> with a burst of <see cref="IpSettings.IcmpMessagesBurst"/>
/// (icmp_global_allow), and, for errors, a bucket per destination that refills one message per
/// <see cref="IpSettings.IcmpRateLimit"/> up to <see cref="IpSettings.IcmpRateBurst"/> (inet_peer_xrlim_allow).
/// Destinations share a fixed table of buckets by a hash of the address, so a flood from many sources holds no more
/// memory than one: colliding sources share a bucket, which only makes the limit stricter.
/// </summary>
internal sealed class IcmpRateLimiter
{
    private const int HostSlots = 256;
    private const long NanosPerSecond = 1_000_000_000;

    private readonly IpSettings _settings;
    private readonly long[] _hostTokens = new long[HostSlots];
    private readonly long[] _hostLast = new long[HostSlots];
    private readonly bool[] _hostUsed = new bool[HostSlots];
    private long _globalTokens;
    private long _globalLast = long.MinValue;

    public IcmpRateLimiter(IpSettings settings)
    {
        _settings = settings;
    }

    /// <summary>The stack-wide bucket: tokens are kept in units of 1/<c>perSecond</c> s, i.e. nanoseconds × rate.</summary>
    public bool TryTakeGlobal(Instant now)
    {
        long rate = _settings.IcmpMessagesPerSecond;
        if (rate == 0)
            return false;
        // One message costs NanosPerSecond units; the bucket holds at most a burst of them.
        long cap = _settings.IcmpMessagesBurst * NanosPerSecond;
        if (_globalLast == long.MinValue)
        {
            _globalTokens = cap;
        }
        else
        {
            long elapsed = Math.Max(0, now.Nanoseconds - _globalLast);
            // elapsed × rate can overflow only after ~292 years / rate; saturate instead.
            long refill = elapsed > cap / rate ? cap : elapsed * rate;
            _globalTokens = Math.Min(cap, _globalTokens + refill);
        }
        _globalLast = now.Nanoseconds;
        if (_globalTokens < NanosPerSecond)
            return false;
        _globalTokens -= NanosPerSecond;
        return true;
    }

    /// <summary>The per-destination bucket for errors: tokens are nanoseconds, one message costs <see cref="IpSettings.IcmpRateLimit"/>.</summary>
    public bool TryTakeHost(IpAddress destination, Instant now)
    {
        long cost = _settings.IcmpRateLimit.Nanoseconds;
        if (cost == 0)
            return true;
        long cap = cost * _settings.IcmpRateBurst;
        int slot = Slot(destination);
        long tokens = _hostUsed[slot] ? Math.Min(cap, _hostTokens[slot] + Math.Max(0, now.Nanoseconds - _hostLast[slot])) : cap;
        _hostUsed[slot] = true;
        _hostLast[slot] = now.Nanoseconds;
        if (tokens < cost)
        {
            _hostTokens[slot] = tokens;
            return false;
        }
        _hostTokens[slot] = tokens - cost;
        return true;
    }

    /// <summary>A fixed (not per-process) hash of the address: the run stays reproducible.</summary>
    private static int Slot(IpAddress a)
    {
        Span<byte> b = stackalloc byte[16];
        int n = a.WriteTo(b);
        uint h = 2166136261;
        for (int i = 0; i < n; i++)
            h = (h ^ b[i]) * 16777619;
        return (int)(h % HostSlots);
    }
}
