using System.Buffers.Binary;
using SynAck.Drill.Run;
using SynAck.Drill.Syntax;

namespace SynAck.Drill.Kernel;

internal sealed unsafe partial class KernelTarget
{
    private void Syscall(SyscallAction s, long? endNs)
    {
        var call = Prepare(s);
        var task = _worker!.Run(() =>
        {
            var r = call();
            return (r, NowNs);
        });
        if (endNs is not null)
        {
            _pending = (s, Line, endNs, task);
            return;
        }
        // A call the script expects to return at once: wait (collecting packets) up to 2 s.
        long limit = NowNs + 2_000_000_000L;
        while (!task.IsCompleted && NowNs < limit)
            WaitUntil(Math.Min(limit, NowNs + 1_000_000));
        if (!task.IsCompleted)
            throw new DrillFailure(Line, $"{s.Name}() blocked, but the script expects it to return at once", s.ToString(), "still blocked", Seconds(NowNs));
        var (result, at) = task.Result;
        Check(s, Line, result, at, null);
    }

    private void CheckPending()
    {
        if (_pending is { } p && p.Task.IsCompleted)
        {
            _pending = null;
            var (r, at) = p.Task.Result;
            Check(p.Call, p.Line, r, at, p.EndNs);
        }
    }

    private void FinishPending()
    {
        if (_pending is not { } p)
            return;
        long limit = (p.EndNs ?? NowNs) + _config.ToleranceMicros * 1000 + 2_000_000_000L;
        while (_pending is not null && NowNs < limit)
            WaitUntil(Math.Min(limit, NowNs + 1_000_000));
        if (_pending is not null)
        {
            _pending = null;
            throw new DrillFailure(p.Line, $"{p.Call.Name}() was still blocked at {Seconds(limit):0.000000} s", p.Call.ToString(), "still blocked", Seconds(limit));
        }
    }

    private void Check(SyscallAction s, int line, CallResult r, long atNs, long? endNs)
    {
        if (s.Result is IntExpr want)
        {
            if (want.Value != r.Value)
                throw new DrillFailure(line, $"{s.Name}() returned {r}, expected {want.Value}{(s.Errno is null ? "" : " " + s.Errno)}", s.ToString(), r.ToString(), Seconds(atNs));
            if (s.Errno is not null && s.Errno != r.Errno)
                throw new DrillFailure(line, $"{s.Name}() set errno {r.Errno ?? "(none)"}, expected {s.Errno}", s.ToString(), r.ToString(), Seconds(atNs));
        }
        long tol = _config.ToleranceMicros * 1000;
        if (endNs is { } end && (atNs < end - tol || atNs > end + tol))
            throw new DrillFailure(line, $"timing error: {s.Name}() expected to return at {Seconds(end):0.000000} s, returned at {Seconds(atNs):0.000000} s", s.ToString(), r.ToString(), Seconds(atNs));
    }

    private int Sym(Expr e) => e switch
    {
        IntExpr i => (int)i.Value,
        ArrayExpr { Items: [var single] } => Sym(single),
        WordExpr w when LinuxCalls.TrySymbol(w.Name, out int v) => v,
        OrExpr o => Sym(o.Left) | Sym(o.Right),
        _ => throw new DrillUnsupported(Line, $"argument {e}"),
    };

    private int LiveFd(Expr e)
    {
        int fd = Sym(e);
        return _fds.TryGetValue(fd, out int live) ? live : -1;
    }

    private int ScriptFd(SyscallAction s)
    {
        if (s.Result is IntExpr { Value: >= 0 } want && !_fds.ContainsKey((int)want.Value))
            return (int)want.Value;
        int fd = 3;
        while (_fds.ContainsKey(fd))
            fd++;
        return fd;
    }

    /// <summary>A sockaddr for the script's default peer (connect) or the kernel's own address (bind), port from the script or 8080.</summary>
    private byte[] SockAddr(bool remote, Expr? e)
    {
        int port = remote ? _config.ConnectPort : _config.BindPort;
        if (e is StructExpr sa && sa.Field("sin_port") is CallExpr { Arguments: [IntExpr p] })
            port = (int)p.Value;
        var addr = remote ? _config.Remote : _config.Local;
        var b = new byte[_config.Ipv6 ? 28 : 16];
        BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)(_config.Ipv6 ? LinuxCalls.AfInet6 : LinuxCalls.AfInet));
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), (ushort)port);
        addr.WriteTo(b.AsSpan(_config.Ipv6 ? 8 : 4));
        return b;
    }

    private static CallResult Result(long r) => r < 0 ? CallResult.Error(LinuxCalls.ErrnoName(LinuxCalls.Errno)) : new CallResult(r);

    private Func<CallResult> Prepare(SyscallAction s)
    {
        var a = s.Arguments;
        Expr Arg(int i) => i < a.Count ? a[i] : throw new DrillUnsupported(Line, $"{s.Name}() with {a.Count} arguments");
        switch (s.Name)
        {
            case "socket":
            {
                int domain = Arg(0) is EllipsisExpr ? (_config.Ipv6 ? LinuxCalls.AfInet6 : LinuxCalls.AfInet) : Sym(Arg(0));
                int type = Sym(Arg(1)), proto = Arg(2) is EllipsisExpr ? 0 : Sym(Arg(2));
                int scriptFd = ScriptFd(s);
                return () => Register(scriptFd, LinuxCalls.Socket(domain, type, proto));
            }
            case "bind" or "connect":
            {
                int fd = LiveFd(Arg(0));
                var sa = SockAddr(s.Name == "connect", Arg(1));
                if (s.Name == "connect")
                {
                    _connecting = true;
                    _connectingFd = Sym(Arg(0));
                }
                bool bind = s.Name == "bind";
                return () =>
                {
                    fixed (byte* p = sa)
                        return Result(bind ? LinuxCalls.Bind(fd, p, sa.Length) : LinuxCalls.Connect(fd, p, sa.Length));
                };
            }
            case "listen":
            {
                int fd = LiveFd(Arg(0)), backlog = Sym(Arg(1));
                _listeners.Add(Sym(Arg(0)));
                _listenerAwaitingSyn = true;
                return () => Result(LinuxCalls.Listen(fd, backlog));
            }
            case "accept":
            {
                int fd = LiveFd(Arg(0));
                int scriptFd = ScriptFd(s);
                return () => Register(scriptFd, LinuxCalls.Accept(fd, null, null));
            }
            case "close":
            {
                int scriptFd = Sym(Arg(0));
                int fd = LiveFd(Arg(0));
                _fds.Remove(scriptFd);
                return () => Result(LinuxCalls.Close(fd));
            }
            case "shutdown":
            {
                int fd = LiveFd(Arg(0)), how = Sym(Arg(1));
                return () => Result(LinuxCalls.Shutdown(fd, how));
            }
            case "fcntl":
            {
                int fd = LiveFd(Arg(0)), cmd = Sym(Arg(1)), arg = a.Count > 2 ? Sym(Arg(2)) : 0;
                return () => Result(LinuxCalls.Fcntl(fd, cmd, arg));
            }
            case "write" or "send" or "sendto" or "read" or "recv" or "recvfrom":
                return Io(s);
            case "sendmsg":
                return SendMsg(s);
            case "ioctl":
                return IoctlCall(s);
            case "setsockopt" or "getsockopt":
                return SockOpt(s);
            case "poll":
                return PollCall(s);
            default:
                throw new DrillUnsupported(Line, $"system call {s.Name}() on the kernel target");
        }
    }

    private CallResult Register(int scriptFd, int live)
    {
        if (live < 0)
            return CallResult.Error(LinuxCalls.ErrnoName(LinuxCalls.Errno));
        lock (_fds)
            _fds[scriptFd] = live;
        if (_current is { } c && c.Fd < 0)
            c.Fd = scriptFd;
        return new CallResult(scriptFd);
    }
}
