namespace SynAck.Drill.Syntax;

/// <summary>
/// A system call: <c>[...END] name(args) = result [ERRNO] [(note)]</c>. <see cref="EndMicros"/> is set for a call the
/// script expects to block until that time.
/// </summary>
internal sealed record SyscallAction(string Name, IReadOnlyList<Expr> Arguments, Expr Result, string? Errno, string? Note, long? EndMicros) : ScriptAction
{
    public override string ToString()
        => $"{Name}({string.Join(", ", Arguments)}) = {Result}{(Errno is null ? "" : " " + Errno)}";
}
