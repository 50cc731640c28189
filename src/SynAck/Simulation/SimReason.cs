namespace SynAck.Simulation;

/// <summary>Why a packet was dropped, delayed, duplicated or corrupted.</summary>
public enum SimReason : byte
{
    None,

    /// <summary>Random loss on the link.</summary>
    Loss,

    /// <summary>A scripted <see cref="PacketRule"/>.</summary>
    Rule,

    /// <summary>Larger than the link's MTU.</summary>
    Mtu,

    /// <summary>The destination host had crashed.</summary>
    Crash,

    /// <summary>No host has the destination address, or no link joins the two hosts, or the packet has no readable IP header.</summary>
    NoRoute,

    /// <summary>The link's queue was full.</summary>
    QueueFull,

    /// <summary>A random impairment of the link (duplication, reordering, corruption).</summary>
    Random,
}
