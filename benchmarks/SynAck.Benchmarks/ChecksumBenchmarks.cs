using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using SynAck.Wire;

namespace SynAck.Benchmarks;

/// <summary>The Internet checksum (RFC 1071): vectorized <see cref="Checksum.Sum"/> against the scalar reference.</summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class ChecksumBenchmarks
{
    private byte[] _data = [];

    [Params(64, 576, 1500, 9000, 65535)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Size];
        new Random(1071).NextBytes(_data);
    }

    [Benchmark]
    public ushort Vectorized() => Checksum.Compute(_data);

    [Benchmark(Baseline = true)]
    public ushort Scalar() => Checksum.Fold(Checksum.SumScalar(_data));

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn(nameof(Size)));
    }
}
