namespace SynAck.Analysis;

/// <summary>Traffic to understanding: lifecycle verdicts, ladders and reports (grows with issues D and E).</summary>
public static class AnalysisInfo
{
    public const string Name = "SynAck.Analysis";
}
