using SynAck.Analysis.Ladder;

namespace SynAck.Analysis.Scenarios;

/// <summary>The result of playing one scenario: the ladder, the facts, the verdict and the explanation tied to the ladder.</summary>
public sealed record ScenarioRun
{
    public required ScenarioInfo Info { get; init; }

    public required ScenarioOptions Options { get; init; }

    /// <summary>Segments between the two hosts and each side's states, in virtual time.</summary>
    public required LadderDiagram Ladder { get; init; }

    public required ScenarioFacts Facts { get; init; }

    /// <summary>One line: what the run shows, and what broke under a counterfactual.</summary>
    public required string Verdict { get; init; }

    /// <summary>A paragraph in plain words tied to what the ladder shows.</summary>
    public required string Explanation { get; init; }

    /// <summary>True when the run shows the protocol doing its job; false when something broke (always so under a working counterfactual).</summary>
    public required bool Healthy { get; init; }

    /// <summary>Every event of both stacks and the network, in order.</summary>
    public required IReadOnlyList<ScenarioEvent> Events { get; init; }
}
