using SynAck.Drill.Syntax;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Drill.Run;

internal sealed partial class SynAckTarget
{
    /// <summary><c>sendmsg()</c> with plain iovecs: a write of their total length (flags 0, MSG_DONTWAIT or MSG_MORE).</summary>
    private Func<CallResult?> SendMsg(SyscallAction s)
    {
        if (s.Arguments.Count != 3 || s.Arguments[1] is not StructExpr msg)
            throw new DrillUnsupported(Line, "sendmsg() arguments");
        if (msg.Items.Any(i => i is AssignExpr { Target: WordExpr { Name: "msg_control" } or CallExpr { Name: "msg_control" } }))
            throw new DrillUnsupported(Line, "sendmsg() with control messages");
        long total = Kernel.KernelTarget.MsgIovLengths(msg, Line).Sum();
        return Write(s with { Name = "send", Arguments = [s.Arguments[0], new EllipsisExpr(), new IntExpr(total), s.Arguments[2]] });
    }

    /// <summary><c>ioctl(fd, SIOCINQ, [N])</c> (bytes to read) and <c>SIOCOUTQ</c> (bytes sent but not acknowledged, and unsent).</summary>
    private CallResult IoctlCall(SyscallAction s)
    {
        var sock = Fd(s);
        string req = s.Arguments.Count == 3 ? s.Arguments[1].ToString()! : "";
        if (req is not ("SIOCINQ" or "FIONREAD" or "SIOCOUTQ" or "TIOCOUTQ"))
            throw new DrillUnsupported(Line, $"ioctl {req}");
        if (sock.Listening)
            return CallResult.Error("EINVAL");
        long have = sock.Handle is not { } h ? 0 : req is "SIOCINQ" or "FIONREAD" ? _stack!.Available(h) : _stack!.SendQueued(h);
        return CheckValue(s, req, have, index: 2);
    }

    private Func<CallResult?> Write(SyscallAction s)
    {
        var sock = Fd(s);
        if (s.Arguments.Count < 3)
            throw new DrillUnsupported(Line, $"{s.Name}() with {s.Arguments.Count} arguments");
        long n = Int(s.Arguments[2], "length", Line);
        bool nonBlocking = sock.NonBlocking, more = false;
        if (s.Name is "send" or "sendto" && s.Arguments.Count > 3)
        {
            foreach (var f in Words(s.Arguments[3]))
            {
                if (f == "MSG_DONTWAIT")
                    nonBlocking = true;
                else if (f == "MSG_MORE")
                    more = true;
                else if (f is not ("0" or "MSG_ZEROCOPY" or "MSG_NOSIGNAL"))
                    throw new DrillUnsupported(Line, $"{s.Name}() flag {f}");
            }
        }
        if (s.Name == "sendto" && s.Arguments.Count > 4 && s.Arguments[4] is not (EllipsisExpr or IntExpr { Value: 0 } or WordExpr { Name: "NULL" }))
            throw new DrillUnsupported(Line, "sendto() with an address (TCP Fast Open)");
        // The kernel checks the buffer before anything else: a NULL buffer with a length is EFAULT.
        if (s.Arguments[1] is WordExpr { Name: "NULL" } && n > 0)
            return Now(CallResult.Error("EFAULT"));
        long written = 0;
        var zeros = new byte[Math.Min(n, 1 << 20)];
        return () =>
        {
            if (sock.Handle is not { } h)
                return CallResult.Error("EPIPE");
            if (sock.ShutWrite)
                return CallResult.Error("EPIPE");
            var st = _stack!.State(h);
            if (_stack.Error(h) is var err && err != TcpError.None)
                return written > 0 ? new CallResult(written) : CallResult.Error(err == TcpError.Reset ? "ECONNRESET" : Errno(err));
            if (st is TcpState.SynSent or TcpState.SynReceived)
                return nonBlocking ? CallResult.Error("EAGAIN") : null;
            if (st is TcpState.Closed)
                return CallResult.Error("EPIPE");
            while (written < n)
            {
                int chunk = _stack.Send(h, zeros.AsSpan(0, (int)Math.Min(zeros.Length, n - written)), new Instant(_now), more);
                if (chunk == 0)
                    break;
                written += chunk;
            }
            _stack.Poll(new Instant(_now), _sink);
            if (written == n || (nonBlocking && written > 0))
                return new CallResult(written);
            return nonBlocking ? CallResult.Error("EAGAIN") : null;
        };
    }

    private Func<CallResult?> Read(SyscallAction s)
    {
        var sock = Fd(s);
        if (s.Arguments.Count < 3)
            throw new DrillUnsupported(Line, $"{s.Name}() with {s.Arguments.Count} arguments");
        long n = Int(s.Arguments[2], "length", Line);
        bool nonBlocking = sock.NonBlocking;
        if (s.Name is "recv" or "recvfrom" && s.Arguments.Count > 3)
        {
            foreach (var f in Words(s.Arguments[3]))
            {
                if (f == "MSG_DONTWAIT")
                    nonBlocking = true;
                else if (f != "0")
                    throw new DrillUnsupported(Line, $"{s.Name}() flag {f}");
            }
        }
        if (s.Arguments[1] is WordExpr { Name: "NULL" } && n > 0)
            return Now(CallResult.Error("EFAULT"));
        if (s.Arguments[1] is StringExpr)
            throw new DrillUnsupported(Line, "checking the bytes read");
        var buf = new byte[Math.Min(Math.Max(n, 0), 1 << 20)];
        return () =>
        {
            if (sock.Handle is not { } h)
                return CallResult.Error("ENOTCONN");
            if (sock.ShutRead && _stack!.Available(h) == 0)
                return new CallResult(0);
            if (_stack!.State(h) is TcpState.SynSent or TcpState.SynReceived)
                return nonBlocking ? CallResult.Error("EAGAIN") : null;
            int got = _stack.Available(h) > 0 ? _stack.Receive(h, buf, new Instant(_now)) : 0;
            if (got > 0)
            {
                _stack.Poll(new Instant(_now), _sink);
                return new CallResult(got);
            }
            if (_stack.Error(h) is var err && err != TcpError.None)
                return CallResult.Error(err == TcpError.TimedOut ? "ETIMEDOUT" : "ECONNRESET");
            if (_stack.IsReceiveComplete(h) || _stack.State(h) == TcpState.Closed)
                return new CallResult(0);
            return nonBlocking ? CallResult.Error("EAGAIN") : null;
        };
    }

    private Func<CallResult?> Poll(SyscallAction s)
    {
        if (s.Arguments.Count != 3 || s.Arguments[0] is not ArrayExpr fds)
            throw new DrillUnsupported(Line, "poll() arguments");
        long timeoutMs = Int(s.Arguments[2], "poll timeout", Line);
        long deadline = timeoutMs < 0 ? long.MaxValue : _now + timeoutMs * 1_000_000;
        var entries = fds.Items.Select(e => e as StructExpr ?? throw new DrillUnsupported(Line, "poll() entry " + e)).ToList();
        return () =>
        {
            int ready = 0;
            foreach (var e in entries)
            {
                var sock = Fd(new SyscallAction("poll", [e.Field("fd") ?? new EllipsisExpr()], s.Result, null, null, null));
                var events = Words(e.Field("events") ?? new IntExpr(0));
                var revents = Revents(sock, events);
                if (revents.Count > 0)
                    ready++;
                if (e.Field("revents") is { } wantExpr)
                {
                    var want = Words(wantExpr).Where(w => w != "0").ToHashSet();
                    if ((revents.Count > 0 || _now >= deadline) && !want.SetEquals(revents))
                        throw new DrillFailure(Line, $"poll() revents {string.Join('|', revents.DefaultIfEmpty("0"))}, expected {wantExpr}", s.ToString(), string.Join('|', revents), Seconds(_now));
                }
            }
            if (ready > 0 || _now >= deadline)
                return new CallResult(ready);
            return null;
        };
    }

    private List<string> Revents(DrillSocket sock, List<string> events)
    {
        var r = new List<string>();
        if (sock.Listening)
            throw new DrillUnsupported(Line, "poll() on a listening socket");
        if (sock.Handle is not { } h)
            return ["POLLOUT", "POLLHUP"];
        var st = _stack!.State(h);
        bool error = _stack.Error(h) != TcpError.None;
        bool readable = error || _stack.Available(h) > 0 || _stack.IsReceiveComplete(h) || sock.ShutRead;
        bool connected = st is not (TcpState.SynSent or TcpState.SynReceived or TcpState.Closed);
        if (events.Contains("POLLIN") && readable)
            r.Add("POLLIN");
        if (events.Contains("POLLOUT") && connected && !sock.ShutWrite && _stack.SendSpace(h) > 0)
            r.Add("POLLOUT");
        if (events.Contains("POLLRDHUP") && _stack.IsReceiveComplete(h))
            r.Add("POLLRDHUP");
        if (error)
            r.Add("POLLERR");
        if (error || st == TcpState.Closed || (sock.ShutWrite && _stack.IsReceiveComplete(h)))
            r.Add("POLLHUP");
        return r;
    }
}
