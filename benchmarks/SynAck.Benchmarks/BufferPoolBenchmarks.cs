using BenchmarkDotNet.Attributes;
using SynAck.Buffers;
using SynAck.Tcp;

namespace SynAck.Benchmarks;

/// <summary>
/// The per-stack chunk pool: renting and returning a chunk, and a send buffer filling and draining (what a
/// connection does per burst of data). Allocation per operation should be 0 once the pool is warm.
/// </summary>
[MemoryDiagnoser]
public class BufferPoolBenchmarks
{
    private readonly BufferPool _pool = new();
    private readonly byte[] _burst = new byte[48 * 1024];
    private SendBuffer _send;

    [GlobalSetup]
    public void Setup()
    {
        _send = new SendBuffer(_pool, 256 * 1024);
        _pool.Return(_pool.Rent());
        _send.Append(_burst);
        _send.Consume(_send.Count);
    }

    [Benchmark]
    public void RentReturn()
    {
        _pool.Reserve(1);
        _pool.Return(_pool.Rent());
        _pool.Unreserve(1);
    }

    /// <summary>48 KiB appended (four chunks, a table, a reservation) and acknowledged: all of it goes back.</summary>
    [Benchmark]
    public int FillAndDrain()
    {
        int n = _send.Append(_burst);
        _send.Consume(n);
        return n;
    }
}
