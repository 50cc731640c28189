using SynAck.Drill.Syntax;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Drill.Run;

internal sealed partial class SynAckTarget
{
    private static readonly HashSet<string> Unsupported =
        ["epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait", "recvmsg", "splice", "sendfile", "pipe", "open",
         "writev", "readv", "getsockname", "getpeername", "socketpair"];

    private Func<CallResult?> Dispatch(SyscallAction s)
    {
        if (Unsupported.Contains(s.Name))
            throw new DrillUnsupported(Line, $"system call {s.Name}()");
        return s.Name switch
        {
            "socket" => Now(SocketCall(s)),
            "bind" => Now(Bind(s)),
            "listen" => Now(ListenCall(s)),
            "accept" or "accept4" => Accept(s),
            "connect" => ConnectCall(s),
            "close" => Now(CloseCall(s)),
            "shutdown" => Now(ShutdownCall(s)),
            "fcntl" => Now(Fcntl(s)),
            "setsockopt" => Now(SetSockOpt(s)),
            "getsockopt" => Now(GetSockOpt(s)),
            "write" or "send" or "sendto" => Write(s),
            "read" or "recv" or "recvfrom" => Read(s),
            "poll" => Poll(s),
            "sendmsg" => SendMsg(s),
            "ioctl" => Now(IoctlCall(s)),
            _ => throw new DrillUnsupported(Line, $"system call {s.Name}()"),
        };
    }

    private static Func<CallResult?> Now(CallResult r) => () => r;

    private CallResult SocketCall(SyscallAction s)
    {
        if (s.Arguments.Count != 3)
            throw new DrillUnsupported(Line, "socket() with other than three arguments");
        var type = Words(s.Arguments[1]);
        if (!type.Contains("SOCK_STREAM") || s.Arguments[2] is not (WordExpr { Name: "IPPROTO_TCP" } or IntExpr { Value: 0 } or EllipsisExpr))
            throw new DrillUnsupported(Line, $"socket type {s.Arguments[1]} {s.Arguments[2]} (SynAck is TCP only)");
        if (s.Arguments[0] is WordExpr { Name: var fam } && fam != (_config.Ipv6 ? "AF_INET6" : "AF_INET"))
            throw new DrillUnsupported(Line, $"address family {fam} on an {(_config.Ipv6 ? "IPv6" : "IPv4")} run");
        var sock = new DrillSocket(NewFd(s)) { NonBlocking = type.Contains("SOCK_NONBLOCK") };
        _fds.Add(sock.Fd, sock);
        _ = Stack;
        return new CallResult(sock.Fd);
    }

    private CallResult Bind(SyscallAction s)
    {
        var sock = Fd(s);
        int port = _config.BindPort;
        if (s.Arguments.Count > 1 && s.Arguments[1] is StructExpr sa && sa.Field("sin_port") is CallExpr { Arguments: [IntExpr p] })
            port = (int)p.Value;
        if (_fds.Values.Any(o => o != sock && o.BoundPort == port && o.Listening))
            return CallResult.Error("EADDRINUSE");
        sock.BoundPort = (ushort)port;
        return new CallResult(0);
    }

    private CallResult ListenCall(SyscallAction s)
    {
        var sock = Fd(s);
        if (sock.BoundPort == 0)
            sock.BoundPort = (ushort)_config.BindPort;
        int backlog = s.Arguments.Count > 1 ? (int)Int(s.Arguments[1], "backlog", Line) : 128;
        // Linux queues backlog + 1 accepted connections and keeps half-open ones apart; SynAck's backlog bounds both.
        sock.Backlog = Math.Max(1, backlog + 1);
        Stack.Listen(sock.BoundPort, sock.Backlog);
        sock.Listening = true;
        _listenerAwaitingSyn = sock;
        return new CallResult(0);
    }

    private Func<CallResult?> Accept(SyscallAction s)
    {
        var sock = Fd(s);
        if (!sock.Listening)
            return Now(CallResult.Error("EINVAL"));
        return () =>
        {
            if (!_stack!.TryAccept(sock.BoundPort, out var h))
                return sock.NonBlocking ? CallResult.Error("EAGAIN") : null;
            // Linux clones an accepted socket from its listener, TCP_NODELAY and TCP_CORK included.
            var child = new DrillSocket(NewFd(s)) { Handle = h, NoDelay = sock.NoDelay, Cork = sock.Cork };
            if (sock.NoDelay)
                _stack.SetNoDelay(h, true);
            if (sock.Cork)
                _stack.SetCork(h, true);
            var id = _stack.GetConnectionId(h);
            child.Connection = _connections.FirstOrDefault(c => c.LocalPort == id.LocalPort && c.RemotePort == id.RemotePort);
            if (child.Connection is { } c)
                c.Fd = child.Fd;
            _fds.Add(child.Fd, child);
            return new CallResult(child.Fd);
        };
    }

    private Func<CallResult?> ConnectCall(SyscallAction s)
    {
        var sock = Fd(s);
        if (sock.Handle is { } existing)
        {
            var st = _stack!.State(existing);
            if (sock.Connecting && st == TcpState.SynSent)
                return Now(CallResult.Error("EALREADY"));
            if (sock.Connecting)
            {
                sock.Connecting = false;
                return Now(_stack.Error(existing) is var err && err != TcpError.None ? CallResult.Error(Errno(err)) : new CallResult(0));
            }
            return Now(CallResult.Error("EISCONN"));
        }
        int port = _config.ConnectPort;
        if (s.Arguments.Count > 1 && s.Arguments[1] is StructExpr sa && sa.Field("sin_port") is CallExpr { Arguments: [IntExpr p] })
            port = (int)p.Value;
        try
        {
            sock.Handle = Stack.Connect(_config.Remote, (ushort)port, new Instant(_now), sock.BoundPort);
            // TCP_NODELAY and TCP_CORK set before connect() hold for the connection.
            if (sock.NoDelay)
                Stack.SetNoDelay(sock.Handle.Value, true);
            if (sock.Cork)
                Stack.SetCork(sock.Handle.Value, true);
        }
        catch (InvalidOperationException)
        {
            return Now(CallResult.Error("EADDRNOTAVAIL"));
        }
        _connecting = sock;
        _stack!.Poll(new Instant(_now), _sink);
        if (sock.NonBlocking)
        {
            sock.Connecting = true;
            return Now(CallResult.Error("EINPROGRESS"));
        }
        var h = sock.Handle.Value;
        return () =>
        {
            var st = _stack.State(h);
            if (st == TcpState.SynSent || st == TcpState.SynReceived)
                return null;
            var err = _stack.Error(h);
            return err != TcpError.None ? CallResult.Error(Errno(err)) : new CallResult(0);
        };
    }

    private static string Errno(TcpError e) => e switch
    {
        TcpError.Refused => "ECONNREFUSED",
        TcpError.Reset => "ECONNRESET",
        TcpError.TimedOut => "ETIMEDOUT",
        _ => "EIO",
    };

    private CallResult CloseCall(SyscallAction s)
    {
        var sock = Fd(s);
        _fds.Remove(sock.Fd);
        if (sock.Listening)
        {
            _stack!.StopListening(sock.BoundPort, new Instant(_now));
            if (_listenerAwaitingSyn == sock)
                _listenerAwaitingSyn = null;
        }
        else if (sock.Handle is { } h && _stack!.State(h) != TcpState.Closed)
            _stack.Close(h, new Instant(_now));
        _stack?.Poll(new Instant(_now), _sink);
        return new CallResult(0);
    }

    private CallResult ShutdownCall(SyscallAction s)
    {
        var sock = Fd(s);
        if (sock.Handle is not { } h || _stack!.State(h) is TcpState.Closed or TcpState.SynSent)
            return CallResult.Error("ENOTCONN");
        string how = s.Arguments.Count > 1 ? s.Arguments[1].ToString()! : "";
        if (how is "SHUT_RD" or "SHUT_RDWR" or "0" or "2")
            sock.ShutRead = true;
        if ((how is "SHUT_WR" or "SHUT_RDWR" or "1" or "2") && !sock.ShutWrite)
        {
            sock.ShutWrite = true;
            _stack.Shutdown(h, new Instant(_now));
            _stack.Poll(new Instant(_now), _sink);
        }
        return new CallResult(0);
    }

    private CallResult Fcntl(SyscallAction s)
    {
        var sock = Fd(s);
        string cmd = s.Arguments.Count > 1 ? s.Arguments[1].ToString()! : "";
        if (cmd == "F_GETFL")
            return new CallResult(sock.NonBlocking ? 0x802 : 0x2);
        if (cmd != "F_SETFL" || s.Arguments.Count < 3)
            throw new DrillUnsupported(Line, $"fcntl {cmd}");
        var flags = Words(s.Arguments[2]);
        if (flags.Any(f => f is not ("O_RDWR" or "O_NONBLOCK" or "O_RDONLY" or "O_WRONLY")))
            throw new DrillUnsupported(Line, $"fcntl flags {s.Arguments[2]}");
        sock.NonBlocking = flags.Contains("O_NONBLOCK");
        return new CallResult(0);
    }
}
