namespace SynAck.Drill.Run;

/// <summary>
/// One packet of a run, for drawing it: its time (seconds of script time), the IP packet, whether the stack under
/// test sent it (else the script did), and the script line it answered to (0: none, the stack sent it unasked).
/// </summary>
public sealed record DrillPacket(double TimeSeconds, byte[] Bytes, bool Sent, int Line);
