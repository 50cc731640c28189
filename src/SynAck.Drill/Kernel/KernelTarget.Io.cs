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
        return () =>
        {
            fixed (byte* p = buf)
            {
                byte* ptr = isNull ? null : p;
                long r = write ? LinuxCalls.Send(fd, ptr, (nuint)n, flags | 0x4000 /* MSG_NOSIGNAL: EPIPE, not SIGPIPE */)
                    : LinuxCalls.Recv(fd, ptr, (nuint)n, flags);
                return Result(r);
            }
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
        var d = new Dictionary<string, double>
        {
            ["tcpi_state"] = info[0], ["tcpi_ca_state"] = info[1], ["tcpi_retransmits"] = info[2], ["tcpi_probes"] = info[3],
            ["tcpi_backoff"] = info[4], ["tcpi_options"] = info[5], ["tcpi_rto"] = U32(8), ["tcpi_snd_mss"] = U32(16), ["tcpi_rcv_mss"] = U32(20),
            ["tcpi_unacked"] = U32(24), ["tcpi_sacked"] = U32(28), ["tcpi_lost"] = U32(32), ["tcpi_retrans"] = U32(36),
            ["tcpi_last_data_recv"] = U32(52), ["tcpi_rtt"] = U32(68), ["tcpi_rttvar"] = U32(72), ["tcpi_snd_ssthresh"] = U32(76),
            ["tcpi_snd_cwnd"] = U32(80), ["tcpi_advmss"] = U32(84), ["tcpi_reordering"] = U32(88), ["tcpi_total_retrans"] = U32(100),
            ["tcpi_min_rtt"] = U32(148), ["tcpi_delivered"] = U32(192),
        };
        _python.Run(code.Code, d, Line);
    }
}
