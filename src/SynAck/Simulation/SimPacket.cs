namespace SynAck.Simulation;

/// <summary>
/// A packet as a host puts it on the network, seen by <see cref="PacketMatch"/> and <see cref="PacketPredicate"/>.
/// Only valid during the call that receives it.
/// </summary>
public readonly ref struct SimPacket
{
    internal SimPacket(SimHost from, SimHost? to, ReadOnlySpan<byte> data)
    {
        FromHost = from;
        ToHost = to;
        Data = data;
    }

    /// <summary>The sending host.</summary>
    public SimHost FromHost { get; }

    /// <summary>The host that owns the destination address, or null if none does.</summary>
    public SimHost? ToHost { get; }

    /// <summary>Name of the sending host.</summary>
    public string From => FromHost.Name;

    /// <summary>Name of the destination host, or null.</summary>
    public string? To => ToHost?.Name;

    /// <summary>The whole IP packet.</summary>
    public ReadOnlySpan<byte> Data { get; }
}
