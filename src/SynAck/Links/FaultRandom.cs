namespace SynAck.Links;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood): a tiny seeded generator, good enough to decide which
/// packets a fault injector hurts and cheap enough to draw several numbers per packet.
/// </summary>
internal sealed class FaultRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1), from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
