namespace SynAck.Analysis.Scenarios;

/// <summary>A scenario's name as typed on the command line, what it shows in one line, and the counterfactuals it answers.</summary>
public sealed record ScenarioInfo(string Name, string Summary, IReadOnlyList<WhatIf> WhatIfs);
