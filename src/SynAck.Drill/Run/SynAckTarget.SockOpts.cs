using SynAck.Drill.Syntax;
using SynAck.Tcp;
using SynAck.Tcp.Congestion;
using SynAck.Time;

namespace SynAck.Drill.Run;

/// <summary>setsockopt and getsockopt: the options SynAck has, mapped; the rest unsupported.</summary>
internal sealed partial class SynAckTarget
{
    private CallResult SetSockOpt(SyscallAction s)
    {
        var sock = Fd(s);
        string opt = s.Arguments.Count > 2 ? s.Arguments[2].ToString()! : "";
        switch (opt)
        {
            case "SO_REUSEADDR" or "SO_REUSEPORT":
                return new CallResult(0);
            case "TCP_NODELAY":
                sock.NoDelay = Int(s.Arguments[3], "TCP_NODELAY value", Line) != 0;
                if (sock.Handle is { } h)
                    _stack!.SetNoDelay(h, sock.NoDelay);
                return new CallResult(0);
            case "TCP_CORK":
                sock.Cork = Int(s.Arguments[3], "TCP_CORK value", Line) != 0;
                if (sock.Handle is { } corked)
                    _stack!.SetCork(corked, sock.Cork);
                return new CallResult(0);
            case "TCP_MAXSEG":
            {
                // Linux's TCP_MAXSEG before the connection clamps the MSS both ways (tcp(7)); SynAck's MSS follows its
                // MTU, so the stack is made again with the MTU that gives this MSS, while nothing has used it yet.
                int mss = (int)Int(s.Arguments[3], "TCP_MAXSEG value", Line);
                if (sock.Handle is not null || (_stack is not null && _stack.HandleCount > 0))
                    throw new DrillUnsupported(Line, "setsockopt TCP_MAXSEG after a connection exists");
                if (mss < 88 || mss > 65495)
                    return CallResult.Error("EINVAL");
                _sysctl.MssClamp = mss;
                _stack = null;
                foreach (var l in _fds.Values.Where(f => f.Listening))
                    Stack.Listen(l.BoundPort, l.Backlog);
                return new CallResult(0);
            }
            case "TCP_USER_TIMEOUT":
            {
                long ms = Int(s.Arguments[3], "TCP_USER_TIMEOUT value", Line);
                if (ms < 0)
                    return CallResult.Error("EINVAL");
                if (sock.Handle is not { } uh)
                    throw new DrillUnsupported(Line, "setsockopt TCP_USER_TIMEOUT before the connection exists");
                _stack!.SetUserTimeout(uh, Duration.FromMilliseconds(ms), new Instant(_now));
                return new CallResult(0);
            }
            case "TCP_CONGESTION":
            {
                string name = s.Arguments[3] is StringExpr str ? str.Value : "";
                if (name is not ("cubic" or "reno"))
                    throw new DrillUnsupported(Line, $"congestion control '{name}'");
                if (sock.Handle is not { } ch)
                    throw new DrillUnsupported(Line, "setsockopt TCP_CONGESTION before the connection exists");
                _stack!.SetCongestionControl(ch, name == "reno" ? CongestionAlgorithm.NewReno : CongestionAlgorithm.Cubic);
                return new CallResult(0);
            }
            case "IP_MTU_DISCOVER" or "IPV6_MTU_DISCOVER" or "IP_TOS" or "IPV6_TCLASS":
                // Outbound packets are compared as packetdrill does, without the DF bit or the DSCP bits of TOS.
                _sysctl.Notes.Add($"{opt}={s.Arguments[3]}: SynAck keeps DF and TOS 0; the script's packets do not show either");
                return new CallResult(0);
            case "SO_ZEROCOPY":
                // MSG_ZEROCOPY differs from a copying send only in the completion notices on the error queue, which a
                // script reads with recvmsg(MSG_ERRQUEUE) — unsupported; the packets are the same.
                _sysctl.Notes.Add("SO_ZEROCOPY: SynAck copies; no completion notices (the script would need recvmsg, unsupported)");
                return new CallResult(0);
            case "SO_SNDBUF" or "SO_RCVBUF":
                // SynAck sizes buffers per stack from tcp_wmem/tcp_rmem; a per-socket size is kept only as a note.
                _sysctl.Notes.Add($"{opt}={s.Arguments[3]}: SynAck's buffers are per stack (tcp_wmem/tcp_rmem)");
                return new CallResult(0);
            default:
                throw new DrillUnsupported(Line, $"setsockopt {opt}");
        }
    }

    private CallResult GetSockOpt(SyscallAction s)
    {
        var sock = Fd(s);
        string opt = s.Arguments.Count > 2 ? s.Arguments[2].ToString()! : "";
        switch (opt)
        {
            case "SO_ERROR":
                string? errno = null;
                if (sock.Handle is { } h && _stack!.Error(h) is var err && err != TcpError.None)
                    errno = Errno(err);
                long want = s.Arguments.Count > 3 && s.Arguments[3] is ArrayExpr { Items: [IntExpr v] } ? v.Value : -1;
                long have = errno is null ? 0 : ErrnoValue(errno);
                if (want >= 0 && want != have)
                    throw new DrillFailure(Line, $"getsockopt SO_ERROR gave {errno ?? "0"}, expected {want}", s.ToString(), have.ToString(System.Globalization.CultureInfo.InvariantCulture), Seconds(_now));
                if (sock.Connecting && _stack!.State(sock.Handle!.Value) != TcpState.SynSent)
                    sock.Connecting = false;
                return new CallResult(0);
            case "TCP_MAXSEG":
            {
                // Linux reports the current send MSS once connected, before that the clamp or 536 (RFC 9293 §3.7.1 default).
                long seg = sock.Handle is { } mh && _stack!.TryGetConnection(_stack.GetConnectionId(mh), out var mc) && mc.IsSynchronized ? mc.SndMss
                    : _sysctl.MssClamp ?? 536;
                return CheckValue(s, opt, seg);
            }
            case "TCP_USER_TIMEOUT" when sock.Handle is { } th && _stack!.TryGetConnection(_stack.GetConnectionId(th), out var tc):
                return CheckValue(s, opt, (long)tc.UserTimeout.TotalMilliseconds);
            default:
                throw new DrillUnsupported(Line, $"getsockopt {opt}");
        }
    }

    private CallResult CheckValue(SyscallAction s, string opt, long have, int index = 3)
    {
        if (s.Arguments.Count > index && s.Arguments[index] is ArrayExpr { Items: [IntExpr want] } && want.Value != have)
            throw new DrillFailure(Line, $"{s.Name} {opt} gave {have}, expected {want.Value}", s.ToString(), have.ToString(System.Globalization.CultureInfo.InvariantCulture), Seconds(_now));
        return new CallResult(0);
    }

    private static long ErrnoValue(string errno) => errno switch
    {
        "ECONNREFUSED" => 111,
        "ECONNRESET" => 104,
        "ETIMEDOUT" => 110,
        _ => 5,
    };
}
