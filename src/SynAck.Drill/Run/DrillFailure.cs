namespace SynAck.Drill.Run;

/// <summary>An event that did not happen as the script says (ends the run with <see cref="DrillVerdict.Fail"/>).</summary>
internal sealed class DrillFailure(int line, string message, string? expected = null, string? actual = null, double? time = null) : Exception(message)
{
    public int Line { get; } = line;

    public string? Expected { get; } = expected;

    public string? Actual { get; } = actual;

    public double? TimeSeconds { get; } = time;
}
