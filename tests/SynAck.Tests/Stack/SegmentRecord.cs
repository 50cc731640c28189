using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Stack;

/// <summary>One segment seen on the harness's wire, parsed: who sent it, when, and its header.</summary>
internal sealed record SegmentRecord(Instant Time, bool FromClient, TcpFlags Flags, SeqNum Seq, SeqNum Ack, ushort Window, int Length, TcpOptions Options, byte[] Packet)
{
    public static SegmentRecord Parse(Instant time, bool fromClient, ReadOnlySpan<byte> packet)
    {
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(packet, out var ip));
        Assert.Equal(WireStatus.Ok, ip.TryGetTcp(out var tcp));
        return new SegmentRecord(time, fromClient, tcp.Flags, tcp.Seq, tcp.Ack, tcp.Window, tcp.Payload.Length, tcp.Options, packet.ToArray());
    }

    public bool Has(TcpFlags f) => (Flags & f) == f;

    public override string ToString() => $"{Time} {(FromClient ? "C→S" : "S→C")} {Flags} seq={Seq} ack={Ack} win={Window} len={Length}";
}
