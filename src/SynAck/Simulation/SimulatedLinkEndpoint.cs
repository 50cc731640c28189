using SynAck.Stack;
using SynAck.Time;

namespace SynAck.Simulation;

/// <summary>
/// What a <see cref="Network"/> sees of a <see cref="SimulatedLink"/>: a host that hands every packet
/// delivered to it to the link's receive queue and never emits anything when polled (the link puts
/// its outgoing packets on the network itself, at the moment they are sent).
/// </summary>
internal sealed class SimulatedLinkEndpoint(SimulatedLink link) : IPacketEndpoint
{
    public Instant NextDeadline => Instant.MaxValue;

    public void Deliver(ReadOnlySpan<byte> ipPacket, Instant now) => link.OnDelivered(ipPacket);

    public void Poll(Instant now, IPacketSink sink)
    {
    }
}
