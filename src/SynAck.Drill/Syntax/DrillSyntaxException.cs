namespace SynAck.Drill.Syntax;

/// <summary>A script that does not follow the grammar: the message names the line and column.</summary>
public sealed class DrillSyntaxException : Exception
{
    public DrillSyntaxException(string message, int line, int column)
        : base($"{line}:{column}: {message}")
    {
        Line = line;
        Column = column;
        Reason = message;
    }

    /// <summary>1-based line of the offending text.</summary>
    public int Line { get; }

    /// <summary>1-based column of the offending text.</summary>
    public int Column { get; }

    /// <summary>The message without the position.</summary>
    public string Reason { get; }
}
