using SynAck.Stack;

namespace SynAck.Simulation;

/// <summary>One entry of the network's event queue; which fields matter depends on <see cref="Kind"/>.</summary>
internal readonly struct SimQueueItem
{
    public SimQueueItemKind Kind { get; init; }

    /// <summary>Destination of an arrival, the sender of a transmit, the host of a crash or restart.</summary>
    public SimHost? Host { get; init; }

    /// <summary>Sender of an arriving packet (null for a packet delivered by a script).</summary>
    public SimHost? From { get; init; }

    /// <summary>Packet bytes (pooled for arrivals; owned for scripted transmits).</summary>
    public byte[]? Buffer { get; init; }

    public int Length { get; init; }

    public long PacketId { get; init; }

    public Action? Action { get; init; }

    public IPacketEndpoint? Endpoint { get; init; }
}
