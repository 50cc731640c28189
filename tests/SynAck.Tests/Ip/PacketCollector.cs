using SynAck.Stack;

namespace SynAck.Tests.Ip;

/// <summary>Collects every packet a stack emits.</summary>
internal sealed class PacketCollector : IPacketSink
{
    public List<byte[]> Packets { get; } = [];

    public void Send(ReadOnlySpan<byte> ipPacket) => Packets.Add(ipPacket.ToArray());

    public List<byte[]> Take()
    {
        var list = Packets.ToList();
        Packets.Clear();
        return list;
    }
}
