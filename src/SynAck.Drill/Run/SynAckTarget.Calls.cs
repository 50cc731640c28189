using SynAck.Drill.Syntax;

namespace SynAck.Drill.Run;

internal sealed partial class SynAckTarget
{
    /// <summary>Runs a call; a call that cannot finish now blocks (in the background when the script wrote <c>...END</c>).</summary>
    private void Syscall(SyscallAction s, long? endNs)
    {
        Func<CallResult?> attempt = Dispatch(s);
        var r = attempt();
        if (r is { } done)
        {
            Check(s, Line, done, _now, endNs);
            return;
        }
        _pending = new PendingCall(s, Line, _now, endNs, attempt);
        if (endNs is null)
            FinishPending();
    }

    private void TryCompletePending()
    {
        if (_pending is not { } p)
            return;
        if (p.TryComplete() is { } r)
        {
            _pending = null;
            Check(p.Call, p.Line, r, _now, p.EndNs);
        }
    }

    /// <summary>Runs the clock until the blocked call returns (or fails the script when it never does).</summary>
    private void FinishPending()
    {
        if (_pending is not { } p)
            return;
        long limit = (p.EndNs ?? _now) + (p.EndNs is null ? Horizon : _config.ToleranceMicros * NsPerMicro);
        while (_pending is not null && _stack is not null)
        {
            long d = _stack.NextDeadline.Nanoseconds;
            if (d > limit)
                break;
            PollAt(Math.Max(_now, d));
        }
        if (_pending is not null)
        {
            _pending = null;
            string msg = p.EndNs is null
                ? $"{p.Call.Name}() blocked, but the script expects it to return at once"
                : $"{p.Call.Name}() was still blocked at {Seconds(limit):0.000000} s";
            throw new DrillFailure(p.Line, msg, p.Call.ToString(), "still blocked", Seconds(limit));
        }
    }

    private void Check(SyscallAction s, int line, CallResult r, long atNs, long? endNs)
    {
        string expected = s.ToString();
        if (s.Result is IntExpr want)
        {
            if (want.Value != r.Value)
                throw new DrillFailure(line, $"{s.Name}() returned {r}, expected {want.Value}{(s.Errno is null ? "" : " " + s.Errno)}", expected, r.ToString(), Seconds(atNs));
            if (s.Errno is not null && s.Errno != r.Errno)
                throw new DrillFailure(line, $"{s.Name}() set errno {r.Errno ?? "(none)"}, expected {s.Errno}", expected, r.ToString(), Seconds(atNs));
        }
        else if (s.Result is not EllipsisExpr)
        {
            throw new DrillUnsupported(line, $"result expression {s.Result} of {s.Name}()");
        }
        if (endNs is { } end)
        {
            long tol = _config.ToleranceMicros * NsPerMicro;
            if (atNs < end - tol || atNs > end + tol)
                throw new DrillFailure(line, $"timing error: {s.Name}() expected to return at {Seconds(end):0.000000} s, returned at {Seconds(atNs):0.000000} s",
                    expected, r.ToString(), Seconds(atNs));
        }
    }

    private DrillSocket Fd(SyscallAction s, int index = 0)
    {
        if (s.Arguments.Count <= index || s.Arguments[index] is not IntExpr fd)
            throw new DrillUnsupported(Line, $"{s.Name}() without a file descriptor");
        return _fds.TryGetValue((int)fd.Value, out var sock) ? sock : throw new DrillFailure(Line, $"{s.Name}(): fd {fd.Value} is not open (EBADF)", s.ToString(), "-1 EBADF", Seconds(_now));
    }

    /// <summary>The script's number for a new socket: the one the call expects when free (packetdrill maps script
    /// descriptors to live ones), else the lowest free from 3.</summary>
    private int NewFd(SyscallAction s)
    {
        if (s.Result is IntExpr { Value: >= 0 and < 1024 } want && !_fds.ContainsKey((int)want.Value))
            return (int)want.Value;
        int fd = 3;
        while (_fds.ContainsKey(fd))
            fd++;
        return fd;
    }

    private static long Int(Expr e, string what, int line) => e switch
    {
        IntExpr i => i.Value,
        ArrayExpr { Items: [IntExpr i] } => i.Value,
        _ => throw new DrillUnsupported(line, $"{what} {e}"),
    };

    /// <summary>The symbolic flags of an or-expression (O_RDWR|O_NONBLOCK → both names).</summary>
    private static List<string> Words(Expr e) => e switch
    {
        WordExpr w => [w.Name],
        OrExpr o => [.. Words(o.Left), .. Words(o.Right)],
        IntExpr { Value: 0 } => [],
        _ => [e.ToString()!],
    };
}
