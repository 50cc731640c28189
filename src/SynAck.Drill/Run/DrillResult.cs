namespace SynAck.Drill.Run;

/// <summary>
/// The outcome of one script: the verdict and, unless it passed, the first line that did not hold with what the
/// script expected, what happened instead, and when (seconds of script time).
/// </summary>
public sealed record DrillResult(string Script, DrillVerdict Verdict, int Line, int Column, string Message, string? Expected, string? Actual, double? TimeSeconds)
{
    /// <summary>Settings of the script the target approximates (a sysctl with no SynAck equivalent that does not change what SynAck does), for the record.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The run's packets in time order, each marked with the script line it matched.</summary>
    public IReadOnlyList<DrillPacket> Packets { get; init; } = [];

    /// <summary>One line: verdict, location and the difference.</summary>
    public string Describe()
    {
        string retried = Notes.Any(n => n.StartsWith("retried", StringComparison.Ordinal)) ? " (after one retry for a timing failure)" : "";
        string where = Line > 0 ? $"{Script}:{Line}" + (Column > 0 ? $":{Column}" : "") : Script;
        return Verdict switch
        {
            DrillVerdict.Pass => $"pass         {Script}{retried}",
            DrillVerdict.Unsupported => $"unsupported  {where}: {Message}",
            DrillVerdict.ScriptError => $"error        {where}: {Message}",
            _ => $"fail         {where}: {Message}"
                + (Expected is null ? "" : $"; expected {Expected}")
                + (Actual is null ? "" : $"; actual {Actual}")
                + (TimeSeconds is { } t ? $" at {t:0.000000} s" : "") + retried,
        };
    }
}
