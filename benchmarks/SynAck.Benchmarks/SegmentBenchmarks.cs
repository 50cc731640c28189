using BenchmarkDotNet.Attributes;

namespace SynAck.Benchmarks;

/// <summary>
/// One segment through an ESTABLISHED connection, each way, at MTU 1500 with timestamps (1448 bytes of data):
/// receiving in-order data (<c>Deliver</c>, the application's <c>Receive</c>, and <c>Poll</c>, which sends the
/// delayed ACK every second segment), and sending (<c>Send</c>, <c>Poll</c> emitting the segment, then
/// <c>Deliver</c> of the peer's ACK for it). The peer's packets are built once and rewritten in place
/// (<see cref="CraftedFlow"/>). Reported per segment.
/// </summary>
[MemoryDiagnoser]
public class SegmentBenchmarks
{
    private const int Batch = 64;
    private readonly byte[] _appIn = new byte[64 * 1024];
    private readonly byte[] _appOut = new byte[CraftedFlow.Payload];
    private CraftedFlow _receiver = null!;
    private CraftedFlow _sender = null!;
    private byte[] _data = null!;
    private byte[] _ack = null!;

    [GlobalSetup]
    public void Setup()
    {
        _receiver = new CraftedFlow();
        _data = _receiver.Segment(_receiver.PeerNxt, CraftedFlow.Payload);
        _sender = new CraftedFlow();
        _ack = _sender.Segment(_sender.PeerNxt, 0);
        // Once each, so that the buffers have rented their chunks before anything is measured.
        long read = _receiver.Stack.Counters.InSegs;
        ReceiveInOrder();
        SendAndTakeAck();
        _receiver.CheckClean();
        _sender.CheckClean();
        if (_receiver.Stack.Counters.InSegs - read != Batch || _receiver.Stack.Counters.OutSegs == 0)
            throw new InvalidOperationException("the receiver did not take every segment");
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "receive in-order segment + delayed ACK")]
    public long ReceiveInOrder()
    {
        var f = _receiver;
        var stack = f.Stack;
        for (int i = 0; i < Batch; i++)
        {
            CraftedFlow.SetSeq(_data, f.PeerNxt);
            stack.Deliver(_data, f.Now);
            f.PeerNxt += CraftedFlow.Payload;
            stack.Receive(f.Handle, _appIn, f.Now);
            stack.Poll(f.Now, f);
        }
        return f.Sent;
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "send segment + take its ACK")]
    public long SendAndTakeAck()
    {
        var f = _sender;
        var stack = f.Stack;
        for (int i = 0; i < Batch; i++)
        {
            stack.Send(f.Handle, _appOut, f.Now);
            stack.Poll(f.Now, f);
            f.LocalNxt += CraftedFlow.Payload;
            CraftedFlow.SetAck(_ack, f.LocalNxt);
            stack.Deliver(_ack, f.Now);
        }
        return f.Sent;
    }
}
