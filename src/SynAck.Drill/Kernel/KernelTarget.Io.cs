using System.Buffers.Binary;
using SynAck.Drill.Run;
using SynAck.Drill.Syntax;

namespace SynAck.Drill.Kernel;

internal sealed unsafe partial class KernelTarget
{
    private Func<CallResult> Io(SyscallAction s)
    {
        var a = s.Arguments;
        if (a.Count < 3)
            throw new DrillUnsupported(Line, $"{s.Name}() with {a.Count} arguments");
        int fd = LiveFd(a[0]);
        int n = Sym(a[2]);
        int flags = a.Count > 3 && s.Name is not ("read" or "write") ? Sym(a[3]) : 0;
        bool isNull = a[1] is WordExpr { Name: "NULL" };
        bool write = s.Name is "write" or "send" or "sendto";
        if (a[1] is StringExpr)
            throw new DrillUnsupported(Line, "checking the bytes read");
        var buf = new byte[Math.Max(n, 1)];
        // packetdrill's sendto() always names the script's remote address (run_system_call.c, syscall_sendto).
        byte[]? to = s.Name == "sendto" ? SockAddr(remote: true, null) : null;
        return () =>
        {
            fixed (byte* p = buf)
            fixed (byte* sa = to)
            {
                byte* ptr = isNull ? null : p;
                long r = to is not null ? LinuxCalls.SendTo(fd, ptr, (nuint)n, flags | 0x4000, sa, to.Length)
                    : write ? LinuxCalls.Send(fd, ptr, (nuint)n, flags | 0x4000 /* MSG_NOSIGNAL: EPIPE, not SIGPIPE */)
                    : LinuxCalls.Recv(fd, ptr, (nuint)n, flags);
                return Result(r);
            }
        };
    }

    /// <summary><c>sendmsg(fd, {msg_name(...)=..., msg_iov(N)=[{..., LEN}, …], msg_flags=0}, FLAGS)</c> on a connected socket.</summary>
    private Func<CallResult> SendMsg(SyscallAction s)
    {
        var a = s.Arguments;
        if (a.Count != 3 || a[1] is not StructExpr msg)
            throw new DrillUnsupported(Line, "sendmsg() arguments");
        int fd = LiveFd(a[0]), flags = Sym(a[2]);
        var lengths = MsgIovLengths(msg, Line);
        if (msg.Items.Any(i => i is AssignExpr { Target: WordExpr { Name: "msg_control" } or CallExpr { Name: "msg_control" } }))
            throw new DrillUnsupported(Line, "sendmsg() with control messages");
        return () =>
        {
            var data = new byte[Math.Max(1, lengths.Sum())];
            var iov = new LinuxCalls.IoVec[Math.Max(1, lengths.Count)];
            fixed (byte* p = data)
            fixed (LinuxCalls.IoVec* v = iov)
            {
                int off = 0;
                for (int i = 0; i < lengths.Count; i++)
                {
                    iov[i] = new LinuxCalls.IoVec { Base = p + off, Length = (nuint)lengths[i] };
                    off += lengths[i];
                }
                var hdr = new LinuxCalls.MsgHdr { Iov = v, IovLength = (nuint)lengths.Count };
                return Result(LinuxCalls.SendMsg(fd, &hdr, flags | 0x4000));
            }
        };
    }

    /// <summary>The lengths of a msghdr's iovecs, from <c>msg_iov(N)=[{..., LEN}, …]</c>.</summary>
    internal static List<int> MsgIovLengths(StructExpr msg, int line)
    {
        foreach (var item in msg.Items)
        {
            if (item is AssignExpr { Target: CallExpr { Name: "msg_iov" } or WordExpr { Name: "msg_iov" }, Value: ArrayExpr iovs })
            {
                return iovs.Items.Select(e => e is StructExpr { Items: [_, IntExpr len] } ? (int)len.Value
                    : throw new DrillUnsupported(line, "sendmsg() iovec " + e)).ToList();
            }
        }
        throw new DrillUnsupported(line, "sendmsg() without msg_iov");
    }

    /// <summary><c>ioctl(fd, SIOCINQ|SIOCOUTQ|…, [N])</c>: the value the kernel gives is compared with the script's.</summary>
    private Func<CallResult> IoctlCall(SyscallAction s)
    {
        var a = s.Arguments;
        if (a.Count != 3)
            throw new DrillUnsupported(Line, $"ioctl() with {a.Count} arguments");
        int fd = LiveFd(a[0]), request = Sym(a[1]);
        int? want = a[2] is ArrayExpr { Items: [IntExpr w] } ? (int)w.Value : null;
        return () =>
        {
            int v = 0;
            int r = LinuxCalls.Ioctl(fd, (nuint)request, &v);
            if (r == 0 && want is { } expected && expected != v)
                return new CallResult(-2, $"value {v}, expected {expected}");
            return Result(r);
        };
    }

    private Func<CallResult> SockOpt(SyscallAction s)
    {
        var a = s.Arguments;
        if (a.Count < 4)
            throw new DrillUnsupported(Line, $"{s.Name}() with {a.Count} arguments");
        int fd = LiveFd(a[0]), level = Sym(a[1]), name = Sym(a[2]);
        if (s.Name == "setsockopt")
        {
            byte[] value = a[3] switch
            {
                StructExpr l when l.Field("onoff") is IntExpr on && l.Field("linger") is IntExpr li => [.. BitConverter.GetBytes((int)on.Value), .. BitConverter.GetBytes((int)li.Value)],
                StringExpr str => System.Text.Encoding.ASCII.GetBytes(str.Value),
                _ => BitConverter.GetBytes(Sym(a[3])),
            };
            return () =>
            {
                fixed (byte* p = value)
                    return Result(LinuxCalls.SetSockOpt(fd, level, name, p, value.Length));
            };
        }
        int? want = a[3] is ArrayExpr { Items: [IntExpr w] } ? (int)w.Value : null;
        int line = Line;
        return () =>
        {
            int v = 0, len = 4;
            int r = LinuxCalls.GetSockOpt(fd, level, name, (byte*)&v, &len);
            if (r == 0 && want is { } expected && expected != v)
                return new CallResult(-2, $"value {v}, expected {expected}");
            return Result(r);
        };
    }

    private Func<CallResult> PollCall(SyscallAction s)
    {
        if (s.Arguments.Count != 3 || s.Arguments[0] is not ArrayExpr fds)
            throw new DrillUnsupported(Line, "poll() arguments");
        var entries = fds.Items.Select(e => e as StructExpr ?? throw new DrillUnsupported(Line, "poll() entry " + e)).ToList();
        var live = entries.Select(e => LiveFd(e.Field("fd")!)).ToArray();
        var events = entries.Select(e => (short)Sym(e.Field("events") ?? new IntExpr(0))).ToArray();
        var want = entries.Select(e => e.Field("revents") is { } r ? Sym(r) : (int?)null).ToArray();
        int timeout = Sym(s.Arguments[2]);
        return () =>
        {
            var raw = new long[live.Length];
            for (int i = 0; i < live.Length; i++)
                raw[i] = (uint)live[i] | ((long)(ushort)events[i] << 32);
            int r;
            fixed (long* p = raw)
                r = LinuxCalls.Poll(p, (nuint)raw.Length, timeout);
            for (int i = 0; i < live.Length && r >= 0; i++)
            {
                int revents = (ushort)(raw[i] >> 48);
                if (want[i] is { } w && w != revents)
                    return new CallResult(-2, $"revents {string.Join('|', LinuxCalls.PollNames(revents))}");
            }
            return Result(r);
        };
    }

    /// <summary>Runs a <c>%{ … }%</c> block against the kernel's TCP_INFO for the connection under test.</summary>
    private void RunCode(CodeAction code)
    {
        int scriptFd = _current is { Fd: >= 0 } c ? c.Fd : _fds.Keys.Where(k => !_listeners.Contains(k)).DefaultIfEmpty(-1).Max();
        if (!_fds.TryGetValue(scriptFd, out int fd))
            throw new DrillUnsupported(Line, "Python code with no connected socket to read TCP info from");
        var info = _worker!.Run(() =>
        {
            var b = new byte[256];
            int len = b.Length, r;
            fixed (byte* p = b)
                r = LinuxCalls.GetSockOpt(fd, 6, 11, p, &len);
            return r == 0 ? b : null;
        }).GetAwaiter().GetResult() ?? throw new DrillFailure(Line, "getsockopt(TCP_INFO) failed");
        uint U32(int o) => BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(o));
        double U64(int o) => BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(o));
        var d = new Dictionary<string, double>
        {
            ["tcpi_state"] = info[0], ["tcpi_ca_state"] = info[1], ["tcpi_retransmits"] = info[2], ["tcpi_probes"] = info[3],
            ["tcpi_backoff"] = info[4], ["tcpi_options"] = info[5], ["tcpi_rto"] = U32(8), ["tcpi_snd_mss"] = U32(16), ["tcpi_rcv_mss"] = U32(20),
            ["tcpi_unacked"] = U32(24), ["tcpi_sacked"] = U32(28), ["tcpi_lost"] = U32(32), ["tcpi_retrans"] = U32(36),
            ["tcpi_last_data_recv"] = U32(52), ["tcpi_rtt"] = U32(68), ["tcpi_rttvar"] = U32(72), ["tcpi_snd_ssthresh"] = U32(76),
            ["tcpi_snd_cwnd"] = U32(80), ["tcpi_advmss"] = U32(84), ["tcpi_reordering"] = U32(88), ["tcpi_total_retrans"] = U32(100),
            ["tcpi_min_rtt"] = U32(148), ["tcpi_delivered"] = U32(192),
            ["tcpi_snd_wscale"] = info[6] & 15, ["tcpi_rcv_wscale"] = info[6] >> 4, ["tcpi_ato"] = U32(12), ["tcpi_last_data_sent"] = U32(44),
            ["tcpi_last_ack_recv"] = U32(56), ["tcpi_pmtu"] = U32(60), ["tcpi_rcv_ssthresh"] = U32(64), ["tcpi_rcv_rtt"] = U32(92),
            ["tcpi_rcv_space"] = U32(96), ["tcpi_pacing_rate"] = U64(104), ["tcpi_bytes_acked"] = U64(120), ["tcpi_bytes_received"] = U64(128),
            ["tcpi_segs_out"] = U32(136), ["tcpi_segs_in"] = U32(140), ["tcpi_notsent_bytes"] = U32(144), ["tcpi_data_segs_in"] = U32(152),
            ["tcpi_data_segs_out"] = U32(156), ["tcpi_delivery_rate"] = U64(160), ["tcpi_delivered_ce"] = U32(196), ["tcpi_bytes_sent"] = U64(200),
            ["tcpi_bytes_retrans"] = U64(208), ["tcpi_dsack_dups"] = U32(216), ["tcpi_reord_seen"] = U32(220), ["tcpi_rcv_ooopack"] = U32(224),
            ["tcpi_snd_wnd"] = U32(228), ["tcpi_rcv_wnd"] = U32(232),
        };
        _python.Run(code.Code, d, Line);
    }
}
