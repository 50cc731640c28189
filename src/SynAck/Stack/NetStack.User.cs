using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Stack;

public sealed partial class NetStack
{
    /// <summary>
    /// Passive OPEN (RFC 9293 §3.10.1) on <paramref name="port"/>: SYNs to it create connections, at most
    /// <paramref name="backlog"/> half-open plus not-yet-accepted at a time (the excess SYNs are dropped).
    /// </summary>
    public void Listen(ushort port, int backlog = 128)
    {
        if (port == 0)
            throw new ArgumentOutOfRangeException(nameof(port), "port 0 cannot be listened on");
        if (_listeners.ContainsKey(port))
            throw new InvalidOperationException($"port {port} is already listening");
        _listeners.Add(port, new TcpListener(port, backlog));
        if (_observers.Length > 0)
            Emit(new TcpEvent { Kind = TcpEventKind.StateChanged, Time = _lastNow, Connection = ListenerId(port), From = TcpState.Closed, To = TcpState.Listen, Cause = TcpTransitionCause.PassiveOpen });
    }

    /// <summary>Stops listening on <paramref name="port"/>; connections not yet accepted are aborted (RST).</summary>
    public void StopListening(ushort port, Instant now)
    {
        if (!_listeners.Remove(port, out var listener))
            return;
        List<TcpConnection>? orphans = null;
        foreach (var c in _connections.Snapshot())
        {
            if (c.Listener == listener)
                (orphans ??= []).Add(c);
        }
        if (orphans is not null)
        {
            foreach (var c in orphans)
                c.Abort(now);
        }
        if (_observers.Length > 0)
            Emit(new TcpEvent { Kind = TcpEventKind.StateChanged, Time = now, Connection = ListenerId(port), From = TcpState.Listen, To = TcpState.Closed, Cause = TcpTransitionCause.Close });
    }

    /// <summary>Takes the oldest established connection waiting on <paramref name="port"/>; false when there is none.</summary>
    public bool TryAccept(ushort port, out TcpHandle handle)
    {
        handle = default;
        if (!_listeners.TryGetValue(port, out var listener))
            return false;
        while (listener.AcceptQueue.TryDequeue(out var c))
        {
            if (!c.InAcceptQueue)
                continue;
            c.InAcceptQueue = false;
            listener.Queued--;
            c.Listener = null;
            handle = NewHandle(c);
            return true;
        }
        return false;
    }

    /// <summary>
    /// Active OPEN (RFC 9293 §3.10.1): sends a SYN to <paramref name="remote"/>:<paramref name="remotePort"/> at the
    /// next Poll. With <paramref name="localPort"/> 0 an ephemeral port is chosen per RFC 6056 (algorithm 4).
    /// Throws when the 4-tuple is in use (including TIME-WAIT) or no ephemeral port is free.
    /// </summary>
    public TcpHandle Connect(IpAddress remote, ushort remotePort, Instant now, ushort localPort = 0)
    {
        if (remotePort == 0)
            throw new ArgumentOutOfRangeException(nameof(remotePort), "port 0 cannot be connected to");
        if (remote.IsV6 != Address.IsV6)
            throw new ArgumentException("the remote address is of another IP version than this stack's", nameof(remote));
        _lastNow = now;
        if (localPort == 0)
        {
            localPort = _ports.Select(Address, remote, remotePort, (this, remote, remotePort),
                static (s, port) => s.Item1.InUse(new ConnectionId(s.Item1.Address, port, s.remote, s.remotePort)));
            if (localPort == 0)
                throw new InvalidOperationException("no ephemeral port is free for this destination");
        }
        var id = new ConnectionId(Address, localPort, remote, remotePort);
        if (InUse(id))
            throw new InvalidOperationException($"{id} is in use");
        if (_connections.Count >= Settings.MaxConnections)
        {
            Counters.ConnectionLimitHits++;
            throw new InvalidOperationException("connection limit reached");
        }
        var c = new TcpConnection(this, id, now);
        _connections.Add(c);
        var h = NewHandle(c);
        c.ActiveOpen(now);
        Reschedule(c);
        return h;
    }

    /// <summary>
    /// RFC 9293 §3.10.2 SEND: queues bytes; returns how many fit (0 when the buffer is full or the connection failed).
    /// Throws <see cref="InvalidOperationException"/> after <see cref="Shutdown"/> or <see cref="Close"/> ("connection closing").
    /// </summary>
    public int Send(TcpHandle handle, ReadOnlySpan<byte> data, Instant now) => Send(handle, data, now, more: false);

    /// <summary>
    /// RFC 9293 §3.10.2 SEND, with or without PUSH: <paramref name="more"/> true sends without it (Linux's MSG_MORE):
    /// more data follows, so the end of these bytes is no push point and a short segment of them is not sent at once.
    /// </summary>
    public int Send(TcpHandle handle, ReadOnlySpan<byte> data, Instant now, bool more)
    {
        _lastNow = now;
        var c = Get(handle);
        int n = c.Send(data, more);
        Reschedule(c);
        return n;
    }

    /// <summary>
    /// RFC 9293 §3.10.3 RECEIVE: copies received bytes out; returns how many. 0 means nothing is waiting — check
    /// <see cref="IsReceiveComplete"/> for the end of the stream and <see cref="Error"/> for a failure.
    /// </summary>
    public int Receive(TcpHandle handle, Span<byte> buffer, Instant now)
    {
        _lastNow = now;
        var c = Get(handle);
        int n = c.Receive(buffer);
        Reschedule(c);
        return n;
    }

    /// <summary>Half-close: a FIN follows the queued data; receiving goes on.</summary>
    public void Shutdown(TcpHandle handle, Instant now)
    {
        _lastNow = now;
        var c = Get(handle);
        c.Shutdown(now);
        Reschedule(c);
    }

    /// <summary>
    /// RFC 9293 §3.10.4 CLOSE: FIN after the queued data (RST when received data is left unread, RFC 2525 §2.17).
    /// The connection finishes its close on its own; the handle stays readable (<see cref="State"/>, <see cref="Error"/>)
    /// until the connection is gone, and then retires: <see cref="State"/> says CLOSED, and a later failure is
    /// reported only as a <see cref="TcpEventKind.ConnectionError"/> event.
    /// </summary>
    public void Close(TcpHandle handle, Instant now)
    {
        _lastNow = now;
        var c = Get(handle);
        if (!c.UserClosed && !c.IsReleased && c.State is not (TcpState.SynSent or TcpState.TimeWait))
        {
            if (Settings.MaxOrphans > 0 && Orphans >= Settings.MaxOrphans)
            {
                // Too many closed connections still finishing their close: this one is reset instead of closed
                // gracefully, as Linux does past tcp_max_orphans ("too many orphaned sockets").
                Counters.OrphanOverflow++;
                Abort(handle, now);
                return;
            }
            c.Orphaned = true;
            Orphans++;
        }
        c.Close(now);
        if (c.IsReleased)
        {
            _handles.Remove(handle.Value);
            c.DiscardBuffers();
        }
        Reschedule(c);
    }

    /// <summary>RFC 9293 §3.10.5 ABORT: RST, and the connection is gone at once; the handle retires.</summary>
    public void Abort(TcpHandle handle, Instant now)
    {
        _lastNow = now;
        var c = Get(handle);
        _handles.Remove(handle.Value);
        c.Abort(now);
        c.DiscardBuffers();
    }

    /// <summary>
    /// The connection's state while the application holds it. Once the application has closed the handle and the
    /// connection has left the connection table — including when it moved to the compact TIME-WAIT table — the handle
    /// is retired and this says CLOSED; ask <see cref="StateOf"/> with the <see cref="GetConnectionId"/> taken
    /// before closing to see a TIME-WAIT still holding the 4-tuple.
    /// </summary>
    public TcpState State(TcpHandle handle)
    {
        if (!_handles.TryGetValue(handle.Value, out var c))
            return IsRetired(handle) ? TcpState.Closed : throw UnknownHandle(handle);
        if (c.IsReleased)
            return c.State == TcpState.TimeWait && _timeWait.Contains(c.Id) ? TcpState.TimeWait : TcpState.Closed;
        return c.State;
    }

    /// <summary>Why the connection failed, or <see cref="TcpError.None"/> (also for a retired handle).</summary>
    public TcpError Error(TcpHandle handle)
    {
        if (!_handles.TryGetValue(handle.Value, out var c))
            return IsRetired(handle) ? TcpError.None : throw UnknownHandle(handle);
        return c.Error;
    }

    /// <summary>The connection's 4-tuple.</summary>
    public ConnectionId GetConnectionId(TcpHandle handle) => Get(handle).Id;

    /// <summary>Bytes received and not yet read.</summary>
    public int Available(TcpHandle handle) => Get(handle).ReceiveAvailable;

    /// <summary>True once the peer's FIN has arrived and every byte before it has been read (end of stream).</summary>
    public bool IsReceiveComplete(TcpHandle handle)
    {
        var c = Get(handle);
        return c.FinReceived && c.ReceiveAvailable == 0;
    }

    /// <summary>Free space in the send buffer (0 after Shutdown).</summary>
    public int SendSpace(TcpHandle handle) => Get(handle).SendSpace;

    /// <summary>Bytes queued and not yet acknowledged.</summary>
    public int SendQueued(TcpHandle handle) => Get(handle).SendQueued;

    /// <summary>Switches Nagle's algorithm off (<paramref name="noDelay"/> true) or on for one connection.</summary>
    public void SetNoDelay(TcpHandle handle, bool noDelay) => Get(handle).SetNoDelay(noDelay);

    /// <summary>
    /// Corks one connection (Linux's TCP_CORK) or uncorks it: while corked, a short segment at the end of the queued
    /// data waits for more (or for the persist timer); uncorking sends it.
    /// </summary>
    public void SetCork(TcpHandle handle, bool on) => Get(handle).SetCork(on);

    /// <summary>Chooses one connection's congestion control algorithm (the stack's default is <see cref="TcpSettings.CongestionControl"/>).</summary>
    public void SetCongestionControl(TcpHandle handle, SynAck.Tcp.Congestion.CongestionAlgorithm algorithm) => Get(handle).SetCongestionAlgorithm(algorithm);

    /// <summary>True when any connection or TIME-WAIT entry uses this 4-tuple.</summary>
    public bool InUse(in ConnectionId id) => _connections.ContainsKey(id) || _timeWait.Contains(id);

    internal TcpConnection Get(TcpHandle handle)
        => _handles.TryGetValue(handle.Value, out var c) ? c : throw UnknownHandle(handle);

    private bool IsRetired(TcpHandle handle) => handle.Value > 0 && handle.Value <= _nextHandle;

    private static ArgumentException UnknownHandle(TcpHandle handle)
        => new($"handle {handle.Value} is unknown or retired (closed and gone)", nameof(handle));

    /// <summary>The state of whatever holds <paramref name="id"/>: a connection, a TIME-WAIT entry, or nothing (CLOSED).</summary>
    public TcpState StateOf(in ConnectionId id)
        => _connections.TryGetValue(id, out var c) ? c.State : _timeWait.Contains(id) ? TcpState.TimeWait : TcpState.Closed;

    internal bool TryGetConnection(in ConnectionId id, out TcpConnection connection) => _connections.TryGetValue(id, out connection!);

    private TcpHandle NewHandle(TcpConnection c)
    {
        int h = ++_nextHandle;
        if (h == 0)
            h = ++_nextHandle;
        c.Handle = h;
        _handles.Add(c);
        return new TcpHandle(h);
    }

    private ConnectionId ListenerId(ushort port) => new(Address, port, default, 0);

    internal void EnqueueAccept(TcpConnection c)
    {
        var listener = c.Listener;
        if (listener is null)
            return;
        listener.AcceptQueue.Enqueue(c);
        listener.Queued++;
        c.InAcceptQueue = true;
    }

    internal void OnReleased(TcpConnection c)
    {
        _connections.Remove(c.Id);
        _timers.Remove(c);
        if (c.InAcceptQueue && c.Listener is not null)
        {
            c.InAcceptQueue = false;
            c.Listener.Queued--;
        }
        if (c.Handle != 0 && c.UserClosed)
            _handles.Remove(c.Handle);
        if (c.Orphaned)
        {
            c.Orphaned = false;
            Orphans--;
        }
    }

    /// <summary>Connections the application has closed that are still finishing their close (Linux's orphans).</summary>
    public int Orphans { get; private set; }

    internal bool TryAddTimeWait(in TimeWaitEntry entry)
    {
        // A full table (Linux's tcp_max_tw_buckets) closes the connection without TIME-WAIT, as Linux does; the
        // counter says so, since that connection is no longer protected from old duplicates (RFC 9293 §3.4.3).
        if (_timeWait.Count >= _timeWait.Capacity)
            Counters.TimeWaitOverflow++;
        bool ok = _timeWait.TryAdd(entry);
        Counters.TimeWait = _timeWait.Count;
        return ok;
    }
}
