using SynAck.Buffers;
using SynAck.Diagnostics;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Stack;

/// <summary>
/// One host's TCP/IP stack, sans-IO and single-threaded: hand it packets with <see cref="Deliver"/>, let it emit
/// packets and run timers with <see cref="Poll"/>, and call <see cref="Poll"/> again at <see cref="NextDeadline"/>.
/// The application's side is the OPEN/SEND/RECEIVE/CLOSE/ABORT interface of RFC 9293 §3.10 on <see cref="TcpHandle"/>s.
/// Every time comes in as an <see cref="Instant"/>, every random bit from the <see cref="IRandomSource"/>, so a
/// run is reproducible bit for bit. Not thread-safe: one owner calls it.
/// </summary>
public sealed partial class NetStack : IPacketEndpoint
{
    private readonly ConnectionTable _connections = new();
    private readonly Dictionary<ushort, TcpListener> _listeners = [];
    private readonly HandleTable _handles = new();
    private readonly TimeWaitTable _timeWait;
    private readonly ConnectionTimerHeap _timers = new();
    private readonly List<TcpConnection> _dirty = [];
    private readonly ControlQueue _control = new(1024);
    private readonly IsnGenerator _isn;
    private readonly EphemeralPorts _ports;
    private readonly SipHash _tsOffset;
    private readonly byte[] _packet = new byte[65535 + 120];
    private readonly byte[] _payload = new byte[65535];
    private ITcpObserver[] _observers = [];
    private int _nextHandle;
    private Instant _lastNow;

    /// <summary>Creates a stack for <paramref name="address"/>.</summary>
    /// <param name="address">This host's address; packets to any other are dropped.</param>
    /// <param name="settings">Behaviour and limits; <see cref="TcpSettings.Default"/> for RFC/Linux defaults.</param>
    /// <param name="random">The only randomness the stack uses (ephemeral port key, and the ISN key when <paramref name="isnKey"/> is empty).</param>
    /// <param name="isnKey">16 secret bytes for the RFC 6528 ISN function; empty to draw them from <paramref name="random"/>.</param>
    public NetStack(IpAddress address, TcpSettings settings, IRandomSource random, ReadOnlySpan<byte> isnKey = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(random);
        settings.Validate();
        Address = address;
        Settings = settings;
        var isnHash = isnKey.Length >= 16 ? SipHash.FromKey(isnKey) : new SipHash(random.NextUInt64(), random.NextUInt64());
        _isn = new IsnGenerator(isnHash);
        _ports = new EphemeralPorts(new SipHash(random.NextUInt64(), random.NextUInt64()), new SipHash(random.NextUInt64(), random.NextUInt64()),
            settings.EphemeralPortMin, settings.EphemeralPortMax);
        _timeWait = new TimeWaitTable(settings.MaxTimeWait);
        Buffers = new BufferPool(settings.BufferPoolLimit);
        Counters.Pool = Buffers;
        // Drawn last so that the draws above (and so ISNs and ports) are the same as before timestamps existed.
        _tsOffset = new SipHash(random.NextUInt64(), random.NextUInt64());
        _random = random;
    }

    /// <summary>The chunks every connection's send and receive buffers are made of, while they hold data.</summary>
    internal BufferPool Buffers { get; }

    /// <summary>This host's address.</summary>
    public IpAddress Address { get; }

    /// <summary>The settings the stack was made with.</summary>
    public TcpSettings Settings { get; }

    /// <summary>TCP-MIB style counters.</summary>
    public TcpCounters Counters { get; } = new();

    /// <summary>Full connections held (every state but LISTEN and TIME-WAIT).</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Entries in the TIME-WAIT table.</summary>
    public int TimeWaitCount => _timeWait.Count;

    /// <summary>Handles the application holds and has not closed.</summary>
    public int HandleCount => _handles.Count;

    /// <summary>Attaches an observer that will see every <see cref="TcpEvent"/> from now on.</summary>
    public void AddObserver(ITcpObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers = [.. _observers, observer];
    }

    /// <summary>Detaches an observer.</summary>
    public void RemoveObserver(ITcpObserver observer) => _observers = Array.FindAll(_observers, o => !ReferenceEquals(o, observer));

    /// <inheritdoc/>
    public Instant NextDeadline
    {
        get
        {
            if (_dirty.Count > 0 || _control.Count > 0 || IcmpPending)
                return _lastNow;
            // A timer moved without a Reschedule (none should) is re-filed here, so the top is exact.
            while (_timers.TryPeek(out var c, out long t))
            {
                long actual = c.EarliestTimer().Nanoseconds;
                if (actual == t)
                    break;
                _timers.Set(c, actual);
            }
            Instant next = _timers.TryPeek(out _, out long top) ? new Instant(top) : Instant.MaxValue;
            return Instant.Min(Instant.Min(next, _timeWait.NextDeadline), IpDeadline);
        }
    }

    internal bool HasObservers => _observers.Length > 0;

    internal void Emit(in TcpEvent e)
    {
        foreach (var o in _observers)
            o.OnEvent(e);
    }

    internal void Drop(Instant now, TcpDropReason reason, in ConnectionId id, bool hasSegment = false, in TcpSegmentSummary segment = default, WireStatus wire = WireStatus.Ok)
    {
        Counters.CountDrop(reason);
        if (_observers.Length > 0)
            Emit(new TcpEvent { Kind = TcpEventKind.SegmentDropped, Time = now, Connection = id, DropReason = reason, WireStatus = wire, HasSegment = hasSegment, Segment = segment });
    }

    /// <summary>Marks a connection as having output to send at the next Poll.</summary>
    internal void MarkDirty(TcpConnection c)
    {
        if (c.IsDirty || c.IsReleased)
            return;
        c.IsDirty = true;
        _dirty.Add(c);
    }

    /// <summary>Files the connection in the timer heap at its earliest timer; a released one leaves the heap.</summary>
    internal void Reschedule(TcpConnection c)
    {
        if (c.IsReleased)
        {
            _timers.Remove(c);
            return;
        }
        c.UpdateIdleTimers(_lastNow);
        _timers.Set(c, c.EarliestTimer().Nanoseconds);
    }

    internal void QueueControl(in ConnectionId id, SeqNum seq, SeqNum ack, TcpFlags flags, ushort window = 0)
    {
        _control.TryEnqueue(new ControlSegment { Id = id, Seq = seq, Ack = ack, Flags = flags, Window = window });
    }

    /// <summary>Queues a control segment (a connection's RST) that carries a timestamps option.</summary>
    internal void QueueTimestampedControl(in ConnectionId id, SeqNum seq, SeqNum ack, TcpFlags flags, uint tsVal, uint tsEcr)
    {
        _control.TryEnqueue(new ControlSegment { Id = id, Seq = seq, Ack = ack, Flags = flags, HasTimestamps = true, TsVal = tsVal, TsEcr = tsEcr });
    }

    /// <summary>Queues an ACK that carries a timestamps option (TIME-WAIT answers on a connection that negotiated them).</summary>
    internal void QueueTimestampedAck(in ConnectionId id, SeqNum seq, SeqNum ack, ushort window, uint tsVal, uint tsEcr)
    {
        _control.TryEnqueue(new ControlSegment { Id = id, Seq = seq, Ack = ack, Flags = TcpFlags.Ack, Window = window, HasTimestamps = true, TsVal = tsVal, TsEcr = tsEcr });
    }

    /// <summary>
    /// Our TSval clock for a 4-tuple (RFC 7323 §5.4): milliseconds of <paramref name="now"/> plus an offset that is a keyed
    /// hash of the 4-tuple (key drawn from the random source), so that values reveal no uptime and differ per
    /// connection, yet climb across incarnations of one 4-tuple as RFC 6191's TIME-WAIT reopening needs.
    /// </summary>
    internal uint TsClock(in ConnectionId id, Instant now)
    {
        Span<byte> buf = stackalloc byte[ConnectionId.MaxEncodedLength];
        int n = id.WriteTo(buf);
        return unchecked((uint)_tsOffset.Hash(buf[..n]) + (uint)(now.Nanoseconds / 1_000_000));
    }

    internal SeqNum NewIss(in ConnectionId id, Instant now) => _isn.Next(id, now);
}
