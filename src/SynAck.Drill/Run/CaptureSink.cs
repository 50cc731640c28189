using SynAck.Stack;

namespace SynAck.Drill.Run;

/// <summary>Keeps every packet a <see cref="NetStack"/> emits, stamped with the current virtual time, until the script claims it.</summary>
internal sealed class CaptureSink : IPacketSink
{
    public Queue<CapturedPacket> Pending { get; } = new();

    public List<CapturedPacket> All { get; } = [];

    public long NowNs { get; set; }

    /// <summary>Told of each packet as it is sent (the run's trace keeps the order of sending and delivery).</summary>
    public Action<CapturedPacket>? OnSent { get; set; }

    public void Send(ReadOnlySpan<byte> ipPacket)
    {
        var p = new CapturedPacket(NowNs, ipPacket.ToArray());
        Pending.Enqueue(p);
        All.Add(p);
        OnSent?.Invoke(p);
    }
}
