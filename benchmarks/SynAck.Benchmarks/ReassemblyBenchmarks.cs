using BenchmarkDotNet.Attributes;
using SynAck.Wire;

namespace SynAck.Benchmarks;

/// <summary>
/// Receive-side reassembly with holes: of eight consecutive 1448-byte segments the odd ones arrive first, each held
/// out of order in the receive ring and answered at once with a duplicate ACK carrying SACK blocks (four holes
/// open); then the even ones fill the holes, each moving RCV.NXT past the held segment above it; the application
/// reads all eight. Every arrival is followed by a <c>Poll</c>, as a host does per packet. Reported per segment.
/// </summary>
[MemoryDiagnoser]
public class ReassemblyBenchmarks
{
    private static readonly int[] s_arrival = [1, 3, 5, 7, 0, 2, 4, 6];
    private readonly byte[] _appIn = new byte[64 * 1024];
    private CraftedFlow _flow = null!;
    private byte[][] _segments = null!;

    [GlobalSetup]
    public void Setup()
    {
        _flow = new CraftedFlow();
        _segments = new byte[s_arrival.Length][];
        for (int i = 0; i < _segments.Length; i++)
            _segments[i] = _flow.Segment(_flow.PeerNxt, CraftedFlow.Payload);
        // Once, so that the ring has its chunks and the range list its array before anything is measured.
        FillHoles();
        _flow.CheckClean();
    }

    [Benchmark(OperationsPerInvoke = 8, Description = "out-of-order segment held, then hole filled")]
    public long FillHoles()
    {
        var f = _flow;
        var stack = f.Stack;
        SeqNum first = f.PeerNxt;
        foreach (int k in s_arrival)
        {
            var packet = _segments[k];
            CraftedFlow.SetSeq(packet, first + k * CraftedFlow.Payload);
            stack.Deliver(packet, f.Now);
            stack.Poll(f.Now, f);
        }
        f.PeerNxt = first + s_arrival.Length * CraftedFlow.Payload;
        int read = stack.Receive(f.Handle, _appIn, f.Now);
        if (read != s_arrival.Length * CraftedFlow.Payload)
            throw new InvalidOperationException($"read {read} bytes, expected every segment's");
        return f.Sent;
    }
}
