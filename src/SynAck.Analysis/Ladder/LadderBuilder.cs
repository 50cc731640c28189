using System.Globalization;
using SynAck.Simulation;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Analysis.Ladder;

/// <summary>
/// Builds a <see cref="LadderDiagram"/> from a simulated run: the network's events give the segments as they
/// crossed the wire (when sent, when they arrived, which were lost or held back), and each side's
/// <see cref="ITcpObserver"/> gives that side's state changes at the moment they happened. Sequence and
/// acknowledgment numbers are shown relative to each direction's initial sequence number, as Wireshark does,
/// unless <see cref="RelativeSequenceNumbers"/> is off.
/// </summary>
public sealed class LadderBuilder : ISimObserver
{
    private readonly string _leftHost;
    private readonly string _rightHost;
    private readonly List<PendingSegment> _segments = [];
    private readonly Dictionary<long, PendingSegment> _byPacket = [];
    private readonly List<LadderEntry> _other = [];
    private readonly Dictionary<(IpAddress, ushort, IpAddress, ushort), uint> _isn = [];
    private readonly Dictionary<(IpAddress, ushort, IpAddress, ushort), int> _windowShift = [];
    private readonly Dictionary<(LadderSide, ConnectionId), int> _connectionNumbers = [];
    private readonly Dictionary<(LadderSide, ConnectionId), Instant> _timeWaitEntered = [];

    /// <summary>Creates a builder for the conversation between hosts <paramref name="leftHost"/> and <paramref name="rightHost"/>.</summary>
    public LadderBuilder(string leftHost, string rightHost)
    {
        _leftHost = leftHost;
        _rightHost = rightHost;
    }

    /// <summary>Show sequence numbers relative to each direction's ISN (default) or as sent.</summary>
    public bool RelativeSequenceNumbers { get; init; } = true;

    /// <summary>
    /// Several connections share the ladder: each state change is prefixed with the connection's number on that
    /// side ("2:SYN-SENT"), and the listener's own states stay unnumbered.
    /// </summary>
    public bool NumberConnections { get; init; }

    /// <summary>Segments recorded so far, in the order they were sent.</summary>
    public int SegmentCount => _segments.Count;

    /// <summary>An observer to attach to the stack drawn on <paramref name="side"/>.</summary>
    public ITcpObserver ObserverFor(LadderSide side) => new SideObserver(this, side);

    /// <summary>Adds a remark at <paramref name="at"/>.</summary>
    public void Note(Instant at, string text) => AddOther(new LadderNote(at, text));

    /// <summary>The diagram of everything recorded so far.</summary>
    public LadderDiagram Build(string title, string leftLabel, string rightLabel, Instant? origin = null)
    {
        var diagram = new LadderDiagram(title, leftLabel, rightLabel) { Origin = origin };
        // Merge by time, state changes and notes before segments of the same instant only when they were recorded
        // first: the stable insertion of LadderDiagram keeps the order of recording within one instant.
        var all = new List<(LadderEntry Entry, long Order)>();
        foreach (var e in _other)
            all.Add((e, OrderOf(e)));
        foreach (var s in _segments)
        {
            all.Add((s.ToEntry(), s.Order));
            if (s.HeldBack > Duration.Zero)
            {
                all.Add((new LadderNote(s.At, "held back " + FormatDelay(s.HeldBack) + " in the network"), s.Order));
                if (!s.Dropped && s.ArrivedAt is { } arrived)
                    all.Add((new LadderNote(arrived, "the held-back segment arrives"), long.MaxValue));
            }
        }
        all.Sort((a, b) => a.Entry.At != b.Entry.At ? a.Entry.At.CompareTo(b.Entry.At) : a.Order.CompareTo(b.Order));
        foreach (var (entry, _) in all)
            diagram.Add(entry);
        return diagram;
    }

    private static string FormatDelay(Duration d)
        => d.TotalSeconds >= 1 ? d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s" : d.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms";

    private readonly Dictionary<LadderEntry, long> _order = new(ReferenceEqualityComparer.Instance);
    private long _nextOrder;

    private long OrderOf(LadderEntry e) => _order.TryGetValue(e, out long o) ? o : 0;

    private void AddOther(LadderEntry e)
    {
        _order[e] = ++_nextOrder;
        _other.Add(e);
    }

    /// <inheritdoc/>
    public void OnEvent(in SimEvent e, ReadOnlySpan<byte> packet)
    {
        switch (e.Kind)
        {
            case SimEventKind.Sent or SimEventKind.Injected:
                if (SideOf(e.From) is { } side && TrySummarize(packet, out var summary))
                {
                    var s = new PendingSegment(e.Time, side, summary, ++_nextOrder) { Injected = e.Kind == SimEventKind.Injected };
                    _segments.Add(s);
                    _byPacket[e.PacketId] = s;
                }
                break;
            case SimEventKind.Duplicated:
                if (_byPacket.TryGetValue(e.RelatedId, out var original))
                {
                    var copy = new PendingSegment(e.Time, original.From, original.Summary, ++_nextOrder);
                    _segments.Add(copy);
                    _byPacket[e.PacketId] = copy;
                }
                break;
            case SimEventKind.Delivered:
                if (_byPacket.TryGetValue(e.PacketId, out var delivered))
                    delivered.ArrivedAt ??= e.Time;
                break;
            case SimEventKind.Dropped:
                if (_byPacket.TryGetValue(e.PacketId, out var dropped))
                {
                    dropped.Dropped = true;
                    dropped.DropReason = e.Reason switch
                    {
                        SimReason.Loss => "random loss on the link",
                        SimReason.Rule => "dropped by the scenario",
                        SimReason.Crash => "the receiving host was down",
                        SimReason.Mtu => "larger than the link MTU",
                        SimReason.QueueFull => "link queue full",
                        _ => e.Reason.ToString(),
                    };
                }
                break;
            case SimEventKind.Delayed:
                if (_byPacket.TryGetValue(e.PacketId, out var held))
                    held.HeldBack = e.Delay;
                break;
            case SimEventKind.HostCrashed:
                AddOther(new LadderNote(e.Time, $"{e.From} crashes"));
                break;
            case SimEventKind.HostRestarted:
                AddOther(new LadderNote(e.Time, $"{e.From} restarts, remembering nothing"));
                break;
        }
    }

    private LadderSide? SideOf(string? host)
        => host == _leftHost ? LadderSide.Left : host == _rightHost ? LadderSide.Right : null;

    private bool TrySummarize(ReadOnlySpan<byte> packet, out SegmentSummary summary)
    {
        summary = default;
        if (IpPacket.TryParse(packet, out var ip) != WireStatus.Ok || ip.TryGetTcp(out var tcp, verifyChecksum: false) != WireStatus.Ok)
            return false;
        var forward = (ip.Source, tcp.SourcePort, ip.Destination, tcp.DestinationPort);
        var reverse = (ip.Destination, tcp.DestinationPort, ip.Source, tcp.SourcePort);
        if ((tcp.Flags & TcpFlags.Syn) != 0)
        {
            _isn[forward] = tcp.Seq.Value;
            if (tcp.Options.HasWindowScale)
                _windowShift[forward] = Math.Min(tcp.Options.WindowScale, (byte)14);
            else
                _windowShift.Remove(forward);
        }
        // RFC 7323 §2.2-2.3: a SYN's window is never scaled; later windows are, once both SYNs offered the option.
        int window = tcp.Window;
        if ((tcp.Flags & TcpFlags.Syn) == 0 && _windowShift.TryGetValue(forward, out int shift) && _windowShift.ContainsKey(reverse))
            window <<= shift;
        uint seq = tcp.Seq.Value, ack = tcp.Ack.Value;
        if (RelativeSequenceNumbers)
        {
            if (_isn.TryGetValue(forward, out uint s0))
                seq = unchecked(seq - s0);
            if (_isn.TryGetValue(reverse, out uint a0))
                ack = unchecked(ack - a0);
        }
        summary = new SegmentSummary(tcp.Flags, seq, ack, window, tcp.Payload.Length, OptionText(tcp.Options, (tcp.Flags & TcpFlags.Syn) != 0));
        return true;
    }

    /// <summary>The options worth showing on an arrow: those a SYN negotiates (MSS, window scale, SACK, timestamps —
/// the last only on SYNs, where it is negotiated, not on every segment that carries it) and SACK blocks.</summary>
    private static string? OptionText(in TcpOptions o, bool syn)
    {
        var parts = new List<string>(4);
        if (o.HasMss)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"mss={o.Mss}"));
        if (o.HasWindowScale)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"ws={o.WindowScale}"));
        if (o.SackPermitted)
            parts.Add("sackOK");
        if (o.HasTimestamps && syn)
            parts.Add("ts");
        if (o.SackBlockCount > 0)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"sack×{o.SackBlockCount}"));
        return parts.Count == 0 ? null : string.Join(' ', parts);
    }

    private void OnTcpEvent(LadderSide side, in TcpEvent e)
    {
        switch (e.Kind)
        {
            case TcpEventKind.StateChanged:
                string name = TcpStateTable.RfcName(e.To);
                if (NumberConnections && !IsListener(e))
                    name = Number(side, e.Connection).ToString(CultureInfo.InvariantCulture) + ":" + ShortName(e.To);
                AddOther(new LadderStateChange(e.Time, side, name));
                if (e.To == TcpState.TimeWait)
                    _timeWaitEntered.TryAdd((side, e.Connection), e.Time);
                else if (e.From == TcpState.TimeWait && _timeWaitEntered.Remove((side, e.Connection), out var entered))
                    AddOther(new LadderNote(e.Time, $"{SideName(side)} leaves TIME-WAIT after {FormatDelay(e.Time - entered)}"));
                break;
            case TcpEventKind.ConnectionError:
                AddOther(new LadderNote(e.Time, $"{SideName(side)}: {ErrorText(e.Error)}"));
                break;
            case TcpEventKind.SegmentDropped when e.HasSegment && ShowsDrop(e.DropReason):
                AddOther(new LadderNote(e.Time, $"{SideName(side)} drops it: {DropText(e.DropReason)}"));
                break;
        }
    }

    private string SideName(LadderSide side) => side == LadderSide.Left ? _leftHost : _rightHost;

    private static bool IsListener(in TcpEvent e) => e.From == TcpState.Closed && e.To == TcpState.Listen
        || e.From == TcpState.Listen && e.To == TcpState.Closed && e.Cause is TcpTransitionCause.Close or TcpTransitionCause.Abort;

    private int Number(LadderSide side, ConnectionId id)
    {
        if (!_connectionNumbers.TryGetValue((side, id), out int n))
        {
            n = 1 + _connectionNumbers.Keys.Count(k => k.Item1 == side);
            _connectionNumbers.Add((side, id), n);
        }
        return n;
    }

    /// <summary>The engine's drops a reader wants to see on the ladder; the rest are answered by a segment the ladder already shows.</summary>
    private static bool ShowsDrop(TcpDropReason reason) => reason is TcpDropReason.ListenOverflow or TcpDropReason.OutOfWindow
        or TcpDropReason.TimeWaitRst or TcpDropReason.TimeWaitSegment or TcpDropReason.OutOfOrderFull or TcpDropReason.DataAfterFin
        or TcpDropReason.BadChecksum or TcpDropReason.SynChallenged or TcpDropReason.RstChallenged;

    /// <summary>Short enough for the arrow lane of an 80-column ladder.</summary>
    internal static string DropText(TcpDropReason reason) => reason switch
    {
        TcpDropReason.ListenOverflow => "backlog full",
        TcpDropReason.OutOfWindow => "not in window",
        TcpDropReason.TimeWaitRst => "RST in TIME-WAIT",
        TcpDropReason.TimeWaitSegment => "in TIME-WAIT",
        TcpDropReason.OutOfOrderFull => "reassembly full",
        TcpDropReason.DataAfterFin => "data after FIN",
        TcpDropReason.BadChecksum => "bad checksum",
        TcpDropReason.SynChallenged => "SYN, challenge ACK",
        TcpDropReason.RstChallenged => "RST, challenge ACK",
        _ => reason.ToString(),
    };

    internal static string ErrorText(TcpError error) => error switch
    {
        TcpError.Refused => "connection refused",
        TcpError.Reset => "connection reset",
        TcpError.TimedOut => "timed out",
        _ => "no error",
    };

    /// <summary>The names <c>ss</c> uses, short enough to carry a connection number in the state column.</summary>
    internal static string ShortName(TcpState state) => state switch
    {
        TcpState.Established => "ESTAB",
        TcpState.SynReceived => "SYN-RECV",
        _ => TcpStateTable.RfcName(state),
    };

    private sealed class PendingSegment(Instant at, LadderSide from, SegmentSummary summary, long order)
    {
        public Instant At { get; } = at;

        public LadderSide From { get; } = from;

        public SegmentSummary Summary { get; } = summary;

        public long Order { get; } = order;

        public Instant? ArrivedAt { get; set; }

        public bool Dropped { get; set; }

        public string? DropReason { get; set; }

        public Duration HeldBack { get; set; }

        public bool Injected { get; init; }

        public LadderSegment ToEntry() => new(At, From, Summary, Dropped ? null : ArrivedAt, Dropped, DropReason);
    }

    private sealed class SideObserver(LadderBuilder builder, LadderSide side) : ITcpObserver
    {
        public void OnEvent(in TcpEvent e) => builder.OnTcpEvent(side, e);
    }
}
