namespace SynAck.Simulation;

/// <summary>What a <see cref="PacketRule"/> does to a packet it fires on.</summary>
public enum PacketAction : byte
{
    /// <summary>Discard the packet.</summary>
    Drop,

    /// <summary>Hold the packet back by the rule's delay (it may then be overtaken).</summary>
    Delay,

    /// <summary>Send the packet twice.</summary>
    Duplicate,
}
