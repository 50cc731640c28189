using SynAck.Tcp;

namespace SynAck.Analysis.Benchmark;

/// <summary>The generator's seeded randomness: one seed, the same capture byte for byte.</summary>
internal sealed class TrafficRandom(ulong seed)
{
    private readonly SplitMix64Random _bits = new(seed);

    public uint NextUInt32() => (uint)(_bits.NextUInt64() >> 32);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (_bits.NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Uniform integer in [min, max).</summary>
    public int Next(int min, int max) => min + (int)(NextDouble() * (max - min));

    public long Next(long min, long max) => min + (long)(NextDouble() * (max - min));

    /// <summary>Exponentially distributed with the given mean (the gaps of a Poisson arrival process).</summary>
    public long Exponential(long mean) => (long)(-Math.Log(1 - NextDouble()) * mean);

    /// <summary>Log-uniform in [min, max]: as many values between 1 and 10 kB as between 10 and 100 kB.</summary>
    public long LogUniform(long min, long max) => (long)Math.Round(min * Math.Pow((double)max / min, NextDouble()));
}
