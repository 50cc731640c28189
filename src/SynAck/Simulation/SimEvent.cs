using SynAck.Time;

namespace SynAck.Simulation;

/// <summary>
/// One thing that happened in the simulated network, stamped with virtual time.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Time">Virtual time of the event.</param>
/// <param name="PacketId">The packet's id (unique per run; a duplicate gets its own), or 0 for host events.</param>
/// <param name="From">Name of the sending host (the host itself for host events); null when unknown.</param>
/// <param name="To">Name of the destination host; null when the packet has no route.</param>
/// <param name="Reason">Why a packet was dropped, delayed, duplicated or corrupted.</param>
/// <param name="Delay">For <see cref="SimEventKind.Delayed"/>: the extra delay.</param>
/// <param name="Length">Packet length in bytes.</param>
/// <param name="RelatedId">For <see cref="SimEventKind.Duplicated"/>: the original's id.</param>
public readonly record struct SimEvent(
    SimEventKind Kind,
    Instant Time,
    long PacketId,
    string? From,
    string? To,
    SimReason Reason,
    Duration Delay,
    int Length,
    long RelatedId)
{
    public override string ToString()
    {
        string s = $"{Time.TotalMilliseconds,12:0.000} ms  {Kind,-13} #{PacketId} {From ?? "?"} -> {To ?? "?"} len={Length}";
        if (Reason != SimReason.None)
            s += $" reason={Reason}";
        if (Delay != Duration.Zero)
            s += $" delay={Delay}";
        if (RelatedId != 0)
            s += $" of #{RelatedId}";
        return s;
    }
}
