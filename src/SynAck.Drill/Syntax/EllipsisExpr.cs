namespace SynAck.Drill.Syntax;

/// <summary><c>...</c>: any value (an argument packetdrill fills in, or a result not checked).</summary>
internal sealed record EllipsisExpr : Expr
{
    public override string ToString() => "...";
}
