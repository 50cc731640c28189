using System.Diagnostics;
using SynAck.Drill.Run;
using SynAck.Drill.Syntax;
using SynAck.Wire;

namespace SynAck.Drill.Kernel;

/// <summary>
/// Runs a parsed script against the Linux kernel's TCP the way packetdrill does: real sockets in a private network
/// namespace (system calls made by a thread that entered it), the script's packets written to and read from the
/// namespace's tun0, real time. Needs root.
/// </summary>
internal sealed partial class KernelTarget : IDisposable
{
    private readonly DrillScript _script;
    private readonly string _name;
    private readonly string _scriptDir;
    private readonly Stopwatch _clock = new();
    private readonly Queue<CapturedPacket> _sent = new();
    private readonly List<ScriptConnection> _connections = [];
    private readonly Dictionary<int, int> _fds = [];
    private readonly HashSet<int> _listeners = [];
    private readonly PythonAssertions _python = new();
    private byte[] _buffer = [];
    private DrillConfig _config;
    private KernelNetwork? _net;
    private NetnsWorker? _worker;
    private ScriptConnection? _current;
    private bool _listenerAwaitingSyn;
    private bool _connecting;
    private int _connectingFd = -1;
    private (SyscallAction Call, int Line, long? EndNs, Task<(CallResult Result, long AtNs)> Task)? _pending;
    private ScriptEvent? _event;
    private long _lastEvent;
    private ushort _nextRemotePort = 48_000;
    private bool _previousInbound;
    private DrillFailure? _pythonFailure;
    private readonly DrillTrace _trace = new();

    public KernelTarget(DrillScript script, DrillConfig config, string scriptPath)
    {
        _script = script;
        _config = config;
        _name = scriptPath;
        _scriptDir = Path.GetDirectoryName(Path.GetFullPath(scriptPath)) ?? ".";
    }

    private int Line => _event?.Line ?? 0;

    private long NowNs => (long)(_clock.ElapsedTicks * (1e9 / Stopwatch.Frequency));

    private static double Seconds(long ns) => ns / 1e9;

    public DrillResult Run()
    {
        try
        {
            _config = _config.With(_script.Options);
            _net = KernelNetwork.Create(_config.Ipv6, _config.Local.ToString(), _config.Remote.ToString());
            // Large enough for a whole super-packet, so that it is seen as one packet, as packetdrill's packet socket sees it.
            _buffer = new byte[_net.Link.ReceiveSize];
            _worker = new NetnsWorker(_net.Namespace);
            WarmUp();
            if (_script.InitCommand is { } init)
                Shell(init.Command, _script.Events[0].Line);
            _clock.Start();
            foreach (var e in _script.Events)
            {
                _event = e;
                Execute(e);
            }
            FinishPending();
            if (_pythonFailure is not null)
                throw _pythonFailure;
            return new DrillResult(_name, DrillVerdict.Pass, 0, 0, "", null, null, null) { Packets = _trace.ToList() };
        }
        catch (DrillFailure f)
        {
            return new DrillResult(_name, DrillVerdict.Fail, f.Line, 0, f.Message, f.Expected, f.Actual, f.TimeSeconds) { Packets = _trace.ToList() };
        }
        catch (DrillUnsupported u)
        {
            return new DrillResult(_name, DrillVerdict.Unsupported, u.Line, 0, u.Message, null, null, null) { Packets = _trace.ToList() };
        }
    }

    private void Shell(string command, int line)
    {
        var (code, output) = _net!.Shell(command, _scriptDir);
        if (code != 0)
            throw new DrillFailure(line, $"command failed (exit {code}): {output.Trim().Split('\n')[0]}");
    }

    private void Execute(ScriptEvent e)
    {
        long baseNs = _lastEvent;
        long start = e.Time.Kind switch
        {
            TimeKind.Absolute or TimeKind.AbsoluteRange => e.Time.StartMicros * 1000,
            TimeKind.Relative or TimeKind.RelativeRange => baseNs + e.Time.StartMicros * 1000,
            _ => NowNs,
        };
        long end = e.Time.Kind switch
        {
            TimeKind.Absolute or TimeKind.AbsoluteRange => e.Time.EndMicros * 1000,
            TimeKind.Relative or TimeKind.RelativeRange => baseNs + e.Time.EndMicros * 1000,
            _ => start,
        };
        switch (e.Action)
        {
            case PacketAction p when p.Direction == PacketDirection.Inbound:
                WaitUntil(start);
                Inbound(p);
                // packetdrill anchors consecutive inbound packets on their script times, everything else on the real clock.
                _lastEvent = _previousInbound ? start : NowNs;
                _previousInbound = true;
                return;
            case PacketAction p:
                _lastEvent = Outbound(p, e.Time, start, end);
                break;
            case SyscallAction s:
                WaitUntil(start);
                FinishPending();
                long? endNs = s.EndMicros is { } em ? (e.Time.IsRelative ? baseNs + em * 1000 : em * 1000) : null;
                Syscall(s, endNs);
                _lastEvent = endNs is null ? NowNs : Math.Max(start, Math.Min(NowNs, start));
                break;
            case CommandAction c:
                WaitUntil(start);
                Shell(c.Command, e.Line);
                _lastEvent = NowNs;
                break;
            case CodeAction code:
                WaitUntil(start);
                // As packetdrill: TCP_INFO now, the Python's verdict after the last event (see SynAckTarget).
                try
                {
                    RunCode(code);
                }
                catch (DrillFailure f)
                {
                    _pythonFailure ??= f;
                }
                _lastEvent = NowNs;
                break;
        }
        _previousInbound = false;
    }

    /// <summary>Waits until <paramref name="ns"/>, collecting what the kernel sends meanwhile with its arrival time.</summary>
    private void WaitUntil(long ns)
    {
        while (true)
        {
            Drain();
            CheckPending();
            long left = ns - NowNs;
            if (left <= 0)
                return;
            _net!.Link.Wait(TimeSpan.FromTicks(Math.Max(1, Math.Min(left, 1_000_000) / 100)));
        }
    }

    private void Drain()
    {
        while (_net!.Link.TryReceive(_buffer, out int n))
        {
            var packet = new CapturedPacket(NowNs, _buffer.AsSpan(0, n).ToArray());
            // Only TCP from the kernel's address matters; neighbour discovery and the like are ignored, as packetdrill does.
            if (SeenSegment.Decode(packet, out _) is { } s && s.Source == _config.Local)
            {
                _sent.Enqueue(packet);
                if (_clock.IsRunning)
                    _trace.Add(packet, sent: true);
            }
        }
    }

    private void Inbound(PacketAction p)
    {
        if (p.Protocol != "tcp" || p.Prefix is not null)
            throw new DrillUnsupported(Line, p.Protocol != "tcp" ? $"{p.Protocol} packets" : $"packet prefix '{p.Prefix}'");
        var flags = InboundPacketBuilder.Flags(p);
        bool syn = (flags & TcpFlags.Syn) != 0 && (flags & TcpFlags.Ack) == 0;
        if (syn && _listenerAwaitingSyn)
        {
            _current = NewConnection((ushort)_config.BindPort);
            _listenerAwaitingSyn = false;
        }
        _current ??= NewConnection((ushort)_config.BindPort);
        var bytes = InboundPacketBuilder.Build(p, _current, _config.Remote, _config.Local, Line);
        _net!.Link.TrySendWhole(bytes);
        var delivered = new CapturedPacket(NowNs, bytes);
        _trace.Add(delivered, sent: false);
        _trace.Mark(delivered, Line);
    }

    private ScriptConnection NewConnection(ushort localPort)
    {
        var c = new ScriptConnection(localPort, _nextRemotePort++, 0x0123_4567u + 0x1000_0000u * (uint)(_connections.Count + 1));
        _connections.Add(c);
        return c;
    }

    private long Outbound(PacketAction p, EventTime time, long start, long end)
    {
        if (p.Protocol != "tcp" || p.Prefix is not null)
            throw new DrillUnsupported(Line, p.Protocol != "tcp" ? $"{p.Protocol} packets" : $"packet prefix '{p.Prefix}'");
        long tol = _config.ToleranceMicros * 1000;
        long limit = time.Kind == TimeKind.Any ? NowNs + 300_000_000_000L : Math.Max(start, end) + tol + 2_000_000_000L;
        var seg = Next(limit, p);
        var conn = ConnectionFor(seg, p);
        int total = seg.PayloadLength;
        var last = seg;
        while (!_config.StrictSegments && total > 0 && total < p.PayloadLength)
        {
            last = Next(limit, p);
            total += last.PayloadLength;
        }
        if (!ReferenceEquals(last, seg))
            seg = last with { Seq = seg.Seq, PayloadLength = total, Flags = last.Flags | (seg.Flags & TcpFlags.Cwr) };
        OutboundComparer.Compare(p, seg, conn, _config, Line, Describe);
        if (time.Kind != TimeKind.Any && (seg.TimeNs < start - tol || seg.TimeNs > end + tol))
            throw new DrillFailure(Line, $"timing error: expected outbound packet at {Seconds(start):0.000000} s (tolerance {_config.ToleranceMicros} us) but it was sent at {Seconds(seg.TimeNs):0.000000} s",
                p.ToString(), Describe(seg, conn), Seconds(seg.TimeNs));
        return seg.TimeNs;
    }

    private SeenSegment Next(long limitNs, PacketAction p)
    {
        while (_sent.Count == 0)
        {
            long left = limitNs - NowNs;
            if (left <= 0)
                throw new DrillFailure(Line, "expected packet was not sent", p.ToString(), "nothing", Seconds(limitNs));
            _net!.Link.Wait(TimeSpan.FromTicks(Math.Max(1, Math.Min(left, 1_000_000) / 100)));
            Drain();
            CheckPending();
        }
        var packet = _sent.Dequeue();
        _trace.Mark(packet, Line);
        return SeenSegment.Decode(packet, out _)!;
    }

    private ScriptConnection ConnectionFor(SeenSegment seg, PacketAction p)
    {
        var conn = _connections.FirstOrDefault(c => c.Matches(seg, _config.Local, _config.Remote));
        if (conn is null && (seg.Flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn && _connecting)
        {
            conn = new ScriptConnection(seg.SourcePort, seg.DestinationPort, 0x0123_4567u + 0x1000_0000u * (uint)(_connections.Count + 1)) { Fd = _connectingFd };
            _connections.Add(conn);
            _connecting = false;
        }
        if (conn is null)
            throw new DrillFailure(Line, "the kernel sent a packet on a connection the script does not know", p.ToString(), Describe(seg, new ScriptConnection(seg.SourcePort, seg.DestinationPort, 0)), Seconds(seg.TimeNs));
        _current = conn;
        if ((seg.Flags & TcpFlags.Syn) != 0 && p.Flags.Contains('S', StringComparison.Ordinal) && conn.LocalOffset is null)
            conn.LocalOffset = unchecked(seg.Seq - (uint)p.SeqStart);
        return conn;
    }

    private static string Describe(SeenSegment s, ScriptConnection c) => SegmentText.Describe(s, c);

    /// <summary>Compiles the paths a script takes before its clock starts, so that the first events are not late by JIT time.</summary>
    private void WarmUp()
    {
        foreach (var type in typeof(KernelTarget).Assembly.GetTypes())
        {
            if (type.ContainsGenericParameters)
                continue;
            foreach (var m in type.GetMethods(System.Reflection.BindingFlags.DeclaredOnly | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static
                | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic))
            {
                if (m.IsAbstract || m.ContainsGenericParameters)
                    continue;
                try
                {
                    System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(m.MethodHandle);
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException or BadImageFormatException)
                {
                }
            }
        }
        var probe = ScriptParser.Parse("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n+0 close(3) = 0\n");
        foreach (var e in probe.Events)
        {
            var s = (SyscallAction)e.Action;
            var call = Prepare(s);
            _worker!.Run(() => (call(), NowNs)).GetAwaiter().GetResult();
        }
        _fds.Clear();
        var c = new ScriptConnection(1, 2, 3);
        var syn = (PacketAction)ScriptParser.Parse("0 < S 0:0(0) win 1 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>").Events[0].Action;
        var bytes = InboundPacketBuilder.Build(syn, c, _config.Remote, _config.Local, 0);
        var seen = SeenSegment.Decode(new CapturedPacket(0, bytes), out _)!;
        try
        {
            OutboundComparer.Compare(syn with { Direction = PacketDirection.Outbound }, seen, c, _config, 0, Describe);
        }
        catch (DrillFailure)
        {
        }
        _ = Describe(seen, c);
        Check(new SyscallAction("warm", [], new IntExpr(0), null, null, null), 0, new CallResult(0), 0, null);
        // The Python evaluator's first block costs milliseconds (its parsing paths): spend them before the clock runs.
        try
        {
            new PythonAssertions().Run("x = tcpi_snd_cwnd * 2\nassert tcpi_snd_cwnd == 10 and x > 1, 'cwnd %d' % tcpi_snd_cwnd", new Dictionary<string, double> { ["tcpi_snd_cwnd"] = 10 }, 0);
        }
        catch (Exception e) when (e is DrillFailure or DrillUnsupported)
        {
        }
        Drain();
        _sent.Clear();
    }

    public void Dispose()
    {
        foreach (int live in _fds.Values)
        {
            LinuxCalls.Shutdown(live, 2);
            LinuxCalls.Close(live);
        }
        _worker?.Dispose();
        _net?.Dispose();
    }
}
