namespace SynAck.Drill.Run;

/// <summary>Something the script uses that the target cannot express (ends the run with <see cref="DrillVerdict.Unsupported"/>).</summary>
internal sealed class DrillUnsupported(int line, string what) : Exception("unsupported: " + what)
{
    public int Line { get; } = line;
}
