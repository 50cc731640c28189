using SynAck.Time;

namespace SynAck.Analysis.Scenarios;

/// <summary>How to play a scenario: the seed of every random choice, extra random loss, the round-trip time, the MSL and the counterfactual.</summary>
public sealed record ScenarioOptions
{
    /// <summary>Seeds the network's links and both stacks' randomness (ephemeral ports, ISN keys).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Random loss per packet and direction, in [0, 1), on top of what the scenario scripts.</summary>
    public double Loss { get; init; }

    /// <summary>Round-trip time of the link; each direction gets half as its latency.</summary>
    public Duration Rtt { get; init; } = Duration.FromMilliseconds(20L);

    /// <summary>Maximum segment lifetime; TIME-WAIT lasts twice this.</summary>
    public Duration Msl { get; init; } = Duration.FromSeconds(30L);

    /// <summary>The counterfactual to play, or <see cref="WhatIf.None"/> for the real protocol.</summary>
    public WhatIf WhatIf { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> with a one-line message for a value the simulator cannot play.</summary>
    public void Validate()
    {
        if (!(Loss >= 0 && Loss < 1))
            throw new ArgumentOutOfRangeException(nameof(Loss), Loss, "loss must be at least 0 and below 1");
        if (Rtt < Duration.Zero || Rtt > Duration.FromSeconds(10L))
            throw new ArgumentOutOfRangeException(nameof(Rtt), Rtt, "the round-trip time must lie between 0 and 10 s");
        if (Msl <= Duration.Zero || Msl > Duration.FromSeconds(3600L))
            throw new ArgumentOutOfRangeException(nameof(Msl), Msl, "the MSL must be above 0 and at most 3600 s");
    }
}
