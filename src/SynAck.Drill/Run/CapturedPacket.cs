namespace SynAck.Drill.Run;

/// <summary>A packet the stack emitted, with the virtual time it left (nanoseconds since the script's start).</summary>
internal sealed record CapturedPacket(long TimeNs, byte[] Bytes);
