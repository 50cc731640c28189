using SynAck.Stack;
using SynAck.Wire;

namespace SynAck.Simulation;

/// <summary>A host in a <see cref="Network"/>: a name, an address and the endpoint that runs there.</summary>
public sealed class SimHost
{
    internal SimHost(Network network, int index, string name, IpAddress address, IPacketEndpoint endpoint)
    {
        Index = index;
        Name = name;
        Address = address;
        Endpoint = endpoint;
        Sink = new HostSink(network, this);
    }

    /// <summary>Position in the order hosts were added.</summary>
    public int Index { get; }

    public string Name { get; }

    public IpAddress Address { get; }

    /// <summary>The endpoint running on the host now (replaced by a restart).</summary>
    public IPacketEndpoint Endpoint { get; internal set; }

    /// <summary>True between a crash and the next restart.</summary>
    public bool IsCrashed { get; internal set; }

    internal IPacketSink Sink { get; }

    /// <summary>Consecutive deadline polls after which the endpoint still said it was due (livelock guard).</summary>
    internal int StuckPolls { get; set; }

    public override string ToString() => $"{Name} ({Address})";
}
