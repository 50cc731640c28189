namespace SynAck.Drill.Syntax;

/// <summary>A <c>%{ … }%</c> block of Python, run by packetdrill against the socket's TCP_INFO.</summary>
internal sealed record CodeAction(string Code) : ScriptAction;
