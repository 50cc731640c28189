using SynAck.Drill.Syntax;

namespace SynAck.Drill.Run;

internal sealed partial class SynAckTarget
{
    /// <summary>Runs a <c>%{ … }%</c> block against the TCP info of the connection under test.</summary>
    private void RunCode(CodeAction code)
    {
        var sock = _current is { Fd: >= 0 } c && _fds.TryGetValue(c.Fd, out var s) ? s
            : _fds.Values.LastOrDefault(f => f.Handle is not null);
        if (sock?.Handle is not { } h || _stack is null)
            throw new DrillUnsupported(Line, "Python code with no connected socket to read TCP info from");
        _python.Run(code.Code, TcpInfoSnapshot.Of(_stack, h), Line);
    }
}
