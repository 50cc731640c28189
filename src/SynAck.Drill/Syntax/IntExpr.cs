namespace SynAck.Drill.Syntax;

/// <summary>A decimal or hex integer.</summary>
internal sealed record IntExpr(long Value) : Expr
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
