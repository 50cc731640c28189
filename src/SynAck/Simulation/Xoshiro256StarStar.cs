using System.Numerics;

namespace SynAck.Simulation;

/// <summary>
/// The xoshiro256** generator (Blackman and Vigna), seeded through SplitMix64. The simulator
/// draws every random decision from instances of this type, one stream per link direction, so
/// a run with one seed replays bit for bit and adding a link does not disturb the others.
/// </summary>
public sealed class Xoshiro256StarStar
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Creates a generator whose 256-bit state is expanded from <paramref name="seed"/> with SplitMix64.</summary>
    public Xoshiro256StarStar(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
        // An all-zero state would emit zeros forever; SplitMix64 cannot produce four zeros in a
        // row, but keep the guard so the invariant is local.
        if ((_s0 | _s1 | _s2 | _s3) == 0)
            _s0 = 1;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) built from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="bound"/>); <paramref name="bound"/> must be positive.</summary>
    public ulong NextBelow(ulong bound)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bound);
        // Rejection sampling on the low end removes the modulo bias.
        ulong threshold = unchecked(0 - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            if (r >= threshold)
                return r % bound;
        }
    }

    /// <summary>A uniform integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    public int NextInt32(int minInclusive, int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxExclusive, minInclusive);
        return minInclusive + (int)NextBelow((ulong)((long)maxExclusive - minInclusive));
    }

    /// <summary>True with probability <paramref name="p"/>; draws nothing when p is 0 or 1 so off switches cost no randomness.</summary>
    public bool Chance(double p)
    {
        if (p <= 0)
            return false;
        if (p >= 1)
            return true;
        return NextDouble() < p;
    }

    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    public void NextBytes(Span<byte> destination)
    {
        while (destination.Length >= 8)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(destination, NextUInt64());
            destination = destination[8..];
        }
        if (destination.Length > 0)
        {
            ulong r = NextUInt64();
            for (int i = 0; i < destination.Length; i++)
                destination[i] = (byte)(r >> (8 * i));
        }
    }

    /// <summary>One step of SplitMix64: advances <paramref name="state"/> and returns a well-mixed value.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// A seed for an independent stream named <paramref name="name"/> under <paramref name="seed"/>.
    /// The name is hashed with FNV-1a (string.GetHashCode is randomized per process, so unusable here).
    /// </summary>
    public static ulong DeriveSeed(ulong seed, string name)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in name)
        {
            h = (h ^ (byte)c) * 0x100000001B3UL;
            h = (h ^ (byte)(c >> 8)) * 0x100000001B3UL;
        }
        ulong x = seed ^ h;
        return SplitMix64(ref x);
    }
}
