namespace SynAck.Drill.Syntax;

/// <summary>One timed event of a script, with where it starts.</summary>
internal sealed record ScriptEvent(EventTime Time, ScriptAction Action, int Line, int Column);
