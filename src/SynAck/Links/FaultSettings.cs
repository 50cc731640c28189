namespace SynAck.Links;

/// <summary>
/// The impairments a <see cref="FaultInjectingLink"/> applies to the packets going one way.
/// Each probability is drawn per packet from the link's seeded generator, so one seed and one
/// sequence of packets give the same decisions every run.
/// </summary>
public sealed record FaultSettings
{
    /// <summary>No impairment at all.</summary>
    public static FaultSettings None { get; } = new();

    /// <summary>Probability, 0 to 1, that a packet is lost.</summary>
    public double Loss { get; init; }

    /// <summary>Probability, 0 to 1, that a packet is delivered twice (the copy right after it).</summary>
    public double Duplicate { get; init; }

    /// <summary>Probability, 0 to 1, that a packet is held back for <see cref="ReorderDelay"/>,
    /// so packets sent after it overtake it.</summary>
    public double Reorder { get; init; }

    /// <summary>How long a reordered packet is held back, beyond <see cref="Delay"/>.</summary>
    public TimeSpan ReorderDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Probability, 0 to 1, that one bit of a packet is flipped (a checksum must catch it).</summary>
    public double Corrupt { get; init; }

    /// <summary>Fixed extra latency for every packet.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Extra latency drawn uniformly from [0, <see cref="Jitter"/>) per packet, on top of
    /// <see cref="Delay"/>; jitter larger than the gap between packets reorders them.</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>True when no packet is ever changed, dropped or held.</summary>
    public bool IsNone => Loss == 0 && Duplicate == 0 && Reorder == 0 && Corrupt == 0
        && Delay == TimeSpan.Zero && Jitter == TimeSpan.Zero;

    internal void Validate(string paramName)
    {
        CheckProbability(Loss, paramName);
        CheckProbability(Duplicate, paramName);
        CheckProbability(Reorder, paramName);
        CheckProbability(Corrupt, paramName);
        if (Delay < TimeSpan.Zero || Jitter < TimeSpan.Zero || ReorderDelay < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(paramName, "delays cannot be negative");
    }

    private static void CheckProbability(double p, string paramName)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(paramName, p, "a probability lies between 0 and 1");
    }
}
