namespace SynAck.Stack;

/// <summary>
/// Where a stack puts the IP packets it emits during <c>Poll</c>. The span is only valid for the
/// duration of the call: a sink that keeps the packet must copy it.
/// </summary>
public interface IPacketSink
{
    void Send(ReadOnlySpan<byte> ipPacket);
}
