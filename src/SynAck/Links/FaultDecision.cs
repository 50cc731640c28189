namespace SynAck.Links;

/// <summary>The fate of one packet: lost, or delivered with an optional flipped bit, an optional
/// duplicate, after holding it <see cref="HoldTicks"/> timestamp ticks (0: at once).</summary>
internal readonly record struct FaultDecision(bool Lost, int CorruptBit, bool Duplicate, long HoldTicks)
{
    public static void FlipBit(Span<byte> packet, int bit) => packet[bit >> 3] ^= (byte)(0x80 >> (bit & 7));
}
