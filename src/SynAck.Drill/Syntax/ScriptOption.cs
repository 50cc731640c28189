namespace SynAck.Drill.Syntax;

/// <summary>A <c>--name[=value]</c> line at the top of a script.</summary>
internal sealed record ScriptOption(string Name, string? Value, int Line, int Column);
