namespace SynAck.Drill.Run;

/// <summary>How a script ended.</summary>
public enum DrillVerdict
{
    /// <summary>Every event happened as the script says.</summary>
    Pass,

    /// <summary>An event did not: the result names the line and the difference.</summary>
    Fail,

    /// <summary>The script uses something the target cannot express (named in the message); nothing was judged.</summary>
    Unsupported,

    /// <summary>The script does not parse (the message has line and column).</summary>
    ScriptError,
}
