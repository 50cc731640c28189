namespace SynAck.Simulation;

internal enum SimQueueItemKind : byte
{
    Arrival,
    Transmit,
    Action,
    Crash,
    Restart,
}
