namespace SynAck.Drill.Syntax;

/// <summary>A parsed script: options, the init command (usually the defaults), the events, the cleanup command.</summary>
internal sealed record DrillScript(
    IReadOnlyList<ScriptOption> Options,
    CommandAction? InitCommand,
    IReadOnlyList<ScriptEvent> Events,
    CommandAction? CleanupCommand);
