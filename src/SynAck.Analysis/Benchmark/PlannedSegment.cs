using SynAck.Wire;

namespace SynAck.Analysis.Benchmark;

/// <summary>One segment a generated connection will put in the capture, at <see cref="Time"/> (nanoseconds).</summary>
internal struct PlannedSegment
{
    public long Time;

    /// <summary>Tie-breaker that keeps segments planned for the same instant in the order they were planned.</summary>
    public int Order;

    public bool FromClient;
    public TcpFlags Flags;
    public uint Seq;
    public uint Ack;
    public int Length;

    /// <summary>The SACK block of a duplicate ACK (Right == Left: none).</summary>
    public uint SackLeft, SackRight;
}
