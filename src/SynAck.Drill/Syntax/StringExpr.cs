namespace SynAck.Drill.Syntax;

/// <summary>A string literal, optionally followed by <c>...</c> (a prefix match).</summary>
internal sealed record StringExpr(string Value, bool Prefix) : Expr
{
    public override string ToString() => $"\"{Value}\"{(Prefix ? "..." : "")}";
}
