namespace SynAck.Drill.Syntax;

/// <summary>A system-call argument or result expression.</summary>
internal abstract record Expr;
