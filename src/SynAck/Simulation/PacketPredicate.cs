namespace SynAck.Simulation;

/// <summary>A test on a packet as a host puts it on the network.</summary>
public delegate bool PacketPredicate(SimPacket packet);
