namespace SynAck.Drill.Syntax;

/// <summary>A back-quoted shell command.</summary>
internal sealed record CommandAction(string Command) : ScriptAction;
