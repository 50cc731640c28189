namespace SynAck.Analysis.Scenarios;

/// <summary>A script's reading of its run: the verdict line, the explanation paragraph, and whether the protocol did its job.</summary>
internal readonly record struct ScenarioJudgement(string Verdict, string Explanation, bool Healthy);
