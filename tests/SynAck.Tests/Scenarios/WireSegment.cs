using SynAck.Simulation;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Scenarios;

/// <summary>A TCP segment as the simulator saw it leave a host, and whether a scripted rule dropped it.</summary>
internal sealed record WireSegment(long PacketId, Instant Time, string From, TcpFlags Flags, SeqNum Seq, SeqNum Ack, ushort Window, int Length, bool Dropped, byte[] Payload)
{
    public bool Has(TcpFlags flags) => (Flags & flags) == flags;

    public bool IsPureAck => Flags == TcpFlags.Ack && Length == 0;

    /// <summary>Flags without PSH, which carries no meaning for these scenarios.</summary>
    public TcpFlags Control => Flags & ~TcpFlags.Psh;

    public override string ToString() => $"{Time} {From} {Flags} seq={Seq} ack={Ack} len={Length}{(Dropped ? " DROPPED" : "")}";

    /// <summary>Reads every sent or injected TCP segment, in order, from a log that kept packets.</summary>
    public static List<WireSegment> Read(SimEventLog log)
    {
        var list = new List<WireSegment>();
        var dropped = log.Events.Where(e => e.Kind == SimEventKind.Dropped).Select(e => e.PacketId).ToHashSet();
        for (int i = 0; i < log.Events.Count; i++)
        {
            var e = log.Events[i];
            if (e.Kind is not (SimEventKind.Sent or SimEventKind.Injected))
                continue;
            var bytes = log.PacketOf(i).Span;
            if (IpPacket.TryParse(bytes, out var ip) != WireStatus.Ok || ip.TryGetTcp(out var tcp, verifyChecksum: false) != WireStatus.Ok)
                continue;
            list.Add(new WireSegment(e.PacketId, e.Time, e.From!, tcp.Flags, tcp.Seq, tcp.Ack, tcp.Window, tcp.Payload.Length, dropped.Contains(e.PacketId), tcp.Payload.ToArray()));
        }
        return list;
    }
}
