namespace SynAck.Tcp;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fast, seedable generator with good statistical quality.
/// Deterministic for a seed; not cryptographic — hand a real secret in as the ISN key where it matters.
/// </summary>
public sealed class SplitMix64Random : IRandomSource
{
    private ulong _state;

    /// <summary>Starts the sequence at <paramref name="seed"/>.</summary>
    public SplitMix64Random(ulong seed) => _state = seed;

    /// <inheritdoc/>
    public ulong NextUInt64()
    {
        ulong z = unchecked(_state += 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
