namespace SynAck.Drill.Syntax;

/// <summary><c>{a, b=c}</c>: a structure (sockaddr, msghdr, iovec, pollfd, linger…).</summary>
internal sealed record StructExpr(IReadOnlyList<Expr> Items) : Expr
{
    public override string ToString() => $"{{{string.Join(", ", Items)}}}";

    /// <summary>The value of field <paramref name="name"/>, if the structure names it.</summary>
    public Expr? Field(string name)
    {
        foreach (var e in Items)
        {
            if (e is AssignExpr { Target: WordExpr w } a && w.Name == name)
                return a.Value;
        }
        return null;
    }
}
