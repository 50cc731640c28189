using SynAck.Drill.Syntax;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Drill.Run;

/// <summary>
/// Runs a parsed script against a SynAck <see cref="NetStack"/> on a virtual clock: inbound packets are delivered
/// at their script time, the stack is polled at every deadline in between, and each outbound packet the stack
/// emits is matched against the script's next <c>&gt;</c> line, with its time, within the tolerance. System calls
/// become NetStack user calls; a call written with <c>...END</c> blocks while later events run.
/// </summary>
internal sealed partial class SynAckTarget
{
    private const long NsPerMicro = 1000;

    /// <summary>How far the clock may run to find an outbound packet whose time is <c>*</c>, or to finish a blocked call.</summary>
    private static readonly long Horizon = Duration.FromSeconds(300).Nanoseconds;

    private readonly DrillScript _script;
    private readonly string _scriptDir;
    private readonly string _name;
    private readonly SysctlSettings _sysctl = new();
    private readonly CaptureSink _sink = new();
    private readonly Dictionary<int, DrillSocket> _fds = [];
    private readonly List<ScriptConnection> _connections = [];
    private readonly PythonAssertions _python = new();
    private DrillConfig _config;
    private NetStack? _stack;
    private long _now;
    private long _lastEvent;
    private ScriptConnection? _current;
    private DrillSocket? _listenerAwaitingSyn;
    private DrillSocket? _connecting;
    private PendingCall? _pending;
    private ScriptEvent? _event;
    private ushort _nextRemotePort = 48_000;
    private DrillFailure? _pythonFailure;
    private readonly DrillTrace _trace = new();

    public SynAckTarget(DrillScript script, DrillConfig config, string scriptPath)
    {
        _script = script;
        _config = config;
        _name = scriptPath;
        _scriptDir = Path.GetDirectoryName(Path.GetFullPath(scriptPath)) ?? ".";
        _sink.OnSent = p => _trace.Add(p, sent: true);
    }

    /// <summary>Every packet the stack sent during the run (for --pcap).</summary>
    public IReadOnlyList<CapturedPacket> Sent => _sink.All;

    /// <summary>Every packet the script delivered, with its time.</summary>
    public List<CapturedPacket> Delivered { get; } = [];

    public DrillResult Run()
    {
        try
        {
            _config = _config.With(_script.Options);
            _sysctl.Ipv6 = _config.Ipv6;
            if (_script.InitCommand is { } init)
                ShellCommands.Apply(init.Command, _scriptDir, _sysctl, _script.Events[0].Line);
            foreach (var e in _script.Events)
            {
                _event = e;
                Execute(e);
            }
            FinishPending();
            if (_pythonFailure is not null)
                throw _pythonFailure;
            return new DrillResult(_name, DrillVerdict.Pass, 0, 0, "", null, null, null) { Notes = _sysctl.Notes, Packets = Trace() };
        }
        catch (DrillFailure f)
        {
            return new DrillResult(_name, DrillVerdict.Fail, f.Line, 0, f.Message, f.Expected, f.Actual, f.TimeSeconds) { Notes = _sysctl.Notes, Packets = Trace() };
        }
        catch (DrillUnsupported u)
        {
            return new DrillResult(_name, DrillVerdict.Unsupported, u.Line, 0, u.Message, null, null, null) { Notes = _sysctl.Notes, Packets = Trace() };
        }
    }

    private static double Seconds(long ns) => ns / 1e9;

    private IReadOnlyList<DrillPacket> Trace() => _trace.ToList();

    private int Line => _event?.Line ?? 0;

    private NetStack Stack
    {
        get
        {
            if (_stack is null)
            {
                TcpSettings settings;
                try
                {
                    settings = _sysctl.ToTcpSettings();
                    settings.Validate();
                }
                catch (ArgumentOutOfRangeException ex)
                {
                    throw new DrillUnsupported(Line, "settings: " + ex.Message);
                }
                _stack = new NetStack(_config.Local, settings, new SplitMix64Random(0x5EED_D2111), new byte[16]);
            }
            return _stack;
        }
    }

    private void Execute(ScriptEvent e)
    {
        long start, end;
        long baseNs = _lastEvent;
        switch (e.Time.Kind)
        {
            case TimeKind.Absolute or TimeKind.AbsoluteRange:
                start = e.Time.StartMicros * NsPerMicro;
                end = e.Time.EndMicros * NsPerMicro;
                break;
            case TimeKind.Relative or TimeKind.RelativeRange:
                start = baseNs + e.Time.StartMicros * NsPerMicro;
                end = baseNs + e.Time.EndMicros * NsPerMicro;
                break;
            default:
                start = end = _now;
                break;
        }
        switch (e.Action)
        {
            case PacketAction p when p.Direction == PacketDirection.Inbound:
                AdvanceTo(start);
                Inbound(p);
                _lastEvent = start;
                break;
            case PacketAction p:
                _lastEvent = Outbound(p, e.Time, start, end);
                break;
            case SyscallAction s:
                if (_pending is not null)
                    FinishPending();
                AdvanceTo(start);
                long? endNs = s.EndMicros is { } em ? (e.Time.IsRelative ? baseNs + em * NsPerMicro : em * NsPerMicro) : null;
                Syscall(s, endNs);
                _lastEvent = start;
                break;
            case CommandAction c:
                AdvanceTo(start);
                if (_stack is not null)
                    throw new DrillUnsupported(e.Line, "a shell command after the stack is running: " + c.Command.Trim());
                ShellCommands.Apply(c.Command, _scriptDir, _sysctl, e.Line);
                _lastEvent = start;
                break;
            case CodeAction code:
                AdvanceTo(start);
                // packetdrill records TCP_INFO at a block's time but runs the Python after the last event
                // (code.c): a false assertion is the verdict only when nothing else failed before the end.
                try
                {
                    RunCode(code);
                }
                catch (DrillFailure f)
                {
                    _pythonFailure ??= f;
                }
                _lastEvent = start;
                break;
        }
    }

    /// <summary>Runs the stack's timers up to <paramref name="targetNs"/>, deadline by deadline, collecting what it sends.</summary>
    private void AdvanceTo(long targetNs)
    {
        if (_stack is null)
        {
            _now = Math.Max(_now, targetNs);
            _sink.NowNs = _now;
            return;
        }
        while (true)
        {
            long d = _stack.NextDeadline.Nanoseconds;
            if (d > targetNs)
                break;
            PollAt(Math.Max(_now, d));
        }
        if (targetNs > _now)
            PollAt(targetNs);
    }

    private void PollAt(long ns)
    {
        _now = Math.Max(_now, ns);
        _sink.NowNs = _now;
        _stack!.Poll(new Instant(_now), _sink);
        TryCompletePending();
    }

    /// <summary>The next packet the stack sends, running the clock at most to <paramref name="limitNs"/>; null if none by then.</summary>
    private CapturedPacket? NextSent(long limitNs)
    {
        while (_sink.Pending.Count == 0)
        {
            if (_stack is null)
                return null;
            long d = _stack.NextDeadline.Nanoseconds;
            if (d > limitNs)
                return null;
            PollAt(Math.Max(_now, d));
        }
        return _sink.Pending.Dequeue();
    }
}
