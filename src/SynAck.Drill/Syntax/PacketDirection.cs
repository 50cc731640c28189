namespace SynAck.Drill.Syntax;

/// <summary><c>&lt;</c>: the script sends it to the system under test; <c>&gt;</c>: the system must send it.</summary>
internal enum PacketDirection
{
    Inbound,
    Outbound,
}
