using SynAck.Time;

namespace SynAck.Simulation;

/// <summary>
/// How one direction of a simulated link treats packets. Every probability is per packet, in [0, 1];
/// every feature is off at its default except an MTU of 1500 bytes.
/// </summary>
public sealed record LinkProfile
{
    /// <summary>A link with no delay and no impairment (MTU 1500).</summary>
    public static LinkProfile Ideal { get; } = new();

    /// <summary>One-way propagation delay added to every packet.</summary>
    public Duration Latency { get; init; }

    /// <summary>Extra delay drawn uniformly from [0, Jitter]; the link stays first-in first-out (jitter never reorders).</summary>
    public Duration Jitter { get; init; }

    /// <summary>Bits per second; 0 means infinitely fast (no serialization delay and no queue).</summary>
    public long BandwidthBitsPerSecond { get; init; }

    /// <summary>
    /// Drop-tail limit on the bytes waiting to be serialized (including the packet in transmission);
    /// 0 means unbounded. Only meaningful with a bandwidth.
    /// </summary>
    public int QueueLimitBytes { get; init; }

    /// <summary>Largest IP packet the link carries; larger ones are dropped and counted. 0 means no limit.</summary>
    public int Mtu { get; init; } = 1500;

    /// <summary>
    /// Whether a packet too large for <see cref="Mtu"/> is answered as a router would: ICMP fragmentation needed for
    /// IPv4 with DF set (RFC 1191 §4), ICMPv6 packet too big for IPv6 (RFC 4443 §3.2), carrying the MTU and sent back
    /// over the reverse link from the far host's address. Off, the link is a path MTU black hole. Default on.
    /// </summary>
    public bool SendsPacketTooBig { get; init; } = true;

    /// <summary>Probability that a packet is lost on the wire.</summary>
    public double Loss { get; init; }

    /// <summary>Probability that a packet arrives twice.</summary>
    public double Duplication { get; init; }

    /// <summary>Probability that a packet is held back by <see cref="ReorderDelay"/> and so overtaken by later ones.</summary>
    public double Reordering { get; init; }

    /// <summary>Extra delay of a reordered packet.</summary>
    public Duration ReorderDelay { get; init; } = Duration.FromMilliseconds(5L);

    /// <summary>Probability that one random bit of a packet is flipped (the receiver's checksum must catch it).</summary>
    public double Corruption { get; init; }

    internal void Validate()
    {
        CheckProbability(Loss, nameof(Loss));
        CheckProbability(Duplication, nameof(Duplication));
        CheckProbability(Reordering, nameof(Reordering));
        CheckProbability(Corruption, nameof(Corruption));
        if (Latency < Duration.Zero || Jitter < Duration.Zero || ReorderDelay < Duration.Zero)
            throw new ArgumentException("link delays must not be negative");
        if (BandwidthBitsPerSecond < 0 || QueueLimitBytes < 0 || Mtu < 0)
            throw new ArgumentException("bandwidth, queue limit and MTU must not be negative");
    }

    private static void CheckProbability(double p, string name)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(name, p, "a probability lies in [0, 1]");
    }
}
