using SynAck.Links;
using SynAck.Stack;

namespace SynAck.Sockets;

/// <summary>Hands the stack's packets to the link; a refused packet is lost, as on a full interface, and TCP recovers it.</summary>
internal sealed class LinkSink(ILink link) : IPacketSink
{
    public long Refused { get; private set; }

    public void Send(ReadOnlySpan<byte> ipPacket)
    {
        if (!link.TrySend(ipPacket))
            Refused++;
    }
}
