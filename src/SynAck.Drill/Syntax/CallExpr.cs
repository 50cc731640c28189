namespace SynAck.Drill.Syntax;

/// <summary><c>name(args)</c> inside an expression: <c>htons(8080)</c>, <c>inet_addr("…")</c>, <c>msg_iov(1)</c>.</summary>
internal sealed record CallExpr(string Name, IReadOnlyList<Expr> Arguments) : Expr
{
    public override string ToString() => $"{Name}({string.Join(", ", Arguments)})";
}
