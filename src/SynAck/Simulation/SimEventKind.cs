namespace SynAck.Simulation;

/// <summary>What happened to a packet (or a host) in the simulated network.</summary>
public enum SimEventKind : byte
{
    /// <summary>A host emitted the packet onto a link.</summary>
    Sent,

    /// <summary>The packet reached its destination host and was handed to it.</summary>
    Delivered,

    /// <summary>The packet was discarded; <see cref="SimEvent.Reason"/> says why.</summary>
    Dropped,

    /// <summary>A copy of the packet was made; the event carries the copy's id.</summary>
    Duplicated,

    /// <summary>A bit of the packet was flipped; the event carries the damaged bytes.</summary>
    Corrupted,

    /// <summary>The packet was held back by <see cref="SimEvent.Delay"/> (a rule, or random reordering).</summary>
    Delayed,

    /// <summary>A crafted packet was put on a link by a script.</summary>
    Injected,

    /// <summary>A host stopped; packets to it vanish until it restarts.</summary>
    HostCrashed,

    /// <summary>A host came back with a fresh endpoint.</summary>
    HostRestarted,
}
