using SynAck.Stack;

namespace SynAck.Simulation;

/// <summary>The sink a host's endpoint writes into during Poll: every packet goes straight onto the network.</summary>
internal sealed class HostSink(Network network, SimHost host) : IPacketSink
{
    public void Send(ReadOnlySpan<byte> ipPacket) => network.Transmit(host, ipPacket, injected: false);
}
