namespace SynAck.Drill.Syntax;

/// <summary><c>a | b</c>: flags or'ed together.</summary>
internal sealed record OrExpr(Expr Left, Expr Right) : Expr
{
    public override string ToString() => $"{Left}|{Right}";
}
