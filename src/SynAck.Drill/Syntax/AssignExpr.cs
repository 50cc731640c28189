namespace SynAck.Drill.Syntax;

/// <summary><c>name=value</c> inside a structure (<c>events=POLLIN</c>, <c>msg_iov(1)=[…]</c>).</summary>
internal sealed record AssignExpr(Expr Target, Expr Value) : Expr
{
    public override string ToString() => $"{Target}={Value}";
}
