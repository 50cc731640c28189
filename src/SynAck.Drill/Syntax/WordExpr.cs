namespace SynAck.Drill.Syntax;

/// <summary>A symbolic constant such as <c>SOCK_STREAM</c> or <c>O_NONBLOCK</c>.</summary>
internal sealed record WordExpr(string Name) : Expr
{
    public override string ToString() => Name;
}
