using SynAck.Time;

namespace SynAck.Simulation;

/// <summary>One direction of a link between two hosts, with its own random stream and transmit queue.</summary>
internal sealed class SimLink(SimHost from, SimHost to, LinkProfile profile, Xoshiro256StarStar random)
{
    public SimHost From { get; } = from;

    public SimHost To { get; } = to;

    public LinkProfile Profile { get; set; } = profile;

    public Xoshiro256StarStar Random { get; } = random;

    /// <summary>When the transmitter finishes serializing the packets already queued.</summary>
    public Instant BusyUntil { get; set; }

    /// <summary>Arrival time of the last in-order packet; later packets never arrive before it (FIFO).</summary>
    public Instant LastArrival { get; set; }

    /// <summary>Time to clock <paramref name="bytes"/> onto the wire, rounded up to the nanosecond.</summary>
    public Duration SerializationTime(int bytes)
    {
        long bps = Profile.BandwidthBitsPerSecond;
        if (bps <= 0)
            return Duration.Zero;
        Int128 bitNs = (Int128)bytes * 8 * 1_000_000_000;
        return Duration.FromNanoseconds((long)((bitNs + bps - 1) / bps));
    }

    /// <summary>Bytes still waiting to be serialized at <paramref name="now"/>, rounded up.</summary>
    public long BacklogBytes(Instant now)
    {
        long bps = Profile.BandwidthBitsPerSecond;
        if (bps <= 0 || BusyUntil <= now)
            return 0;
        Int128 bitNs = (Int128)(BusyUntil - now).Nanoseconds * bps;
        return (long)((bitNs + 8_000_000_000 - 1) / 8_000_000_000);
    }
}
