namespace SynAck.Drill.Syntax;

/// <summary>What an event does: a packet, a system call, a shell command or inline Python code.</summary>
internal abstract record ScriptAction;
