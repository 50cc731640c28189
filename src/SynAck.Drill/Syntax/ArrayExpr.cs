namespace SynAck.Drill.Syntax;

/// <summary><c>[a, b]</c>: an array, or a pointer to one value (<c>[1]</c>).</summary>
internal sealed record ArrayExpr(IReadOnlyList<Expr> Items) : Expr
{
    public override string ToString() => $"[{string.Join(", ", Items)}]";
}
