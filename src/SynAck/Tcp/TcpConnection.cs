using SynAck.Stack;
using SynAck.Tcp.Congestion;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// One connection's transmission control block (RFC 9293 §3.3.1) and the engine that runs it. Split by
/// concern: this file holds the variables and state changes; <c>.Open</c> the OPEN call and SYN-SENT/LISTEN
/// arrivals; <c>.Arrive</c> the §3.10.7.4 steps for synchronized states; <c>.Ack</c> the fifth step; <c>.Text</c>
/// the seventh and eighth; <c>.Output</c> segment generation; <c>.Timers</c> the timeouts; <c>.User</c> SEND,
/// RECEIVE, CLOSE and ABORT.
/// </summary>
internal sealed partial class TcpConnection
{
    private readonly NetStack _stack;
    // Inline mutable structs (not readonly: their methods change them in place).
    private SendBuffer _send;
    private ReceiveBuffer _recv;
    private RttEstimator _rtt;

    // The 4-tuple without the local address, which is always the stack's: 24 bytes fewer per connection. The remote
    // address is kept as its two words: its family is the stack's (8 bytes fewer than an IpAddress with its flag).
    private readonly ulong _remoteHigh;
    private readonly ulong _remoteLow;
    private readonly ushort _localPort;
    private readonly ushort _remotePort;
    private readonly uint _tsOffset;

    // The congestion controller is made when first used (data to send, an RTT sample of data, a setting): an idle
    // connection that never sent data holds none. Until then nothing has changed its state, so making it late with
    // the current Eff.snd.MSS gives the same object as making it at the handshake.
    private CongestionControl? _congestion;

    public TcpConnection(NetStack stack, in ConnectionId id, Instant now)
        : this(stack, id, null, now, null)
    {
    }

    public TcpConnection(NetStack stack, in ConnectionId id, TcpListener? listener, Instant now, SeqNum? issFloor)
    {
        _stack = stack;
        _remoteHigh = id.RemoteAddress.High;
        _remoteLow = id.RemoteAddress.Low;
        _localPort = id.LocalPort;
        _remotePort = id.RemotePort;
        Listener = listener;
        SetFlag(ConnectionFlags.FromPassiveOpen, listener is not null);
        State = listener is null ? TcpState.Closed : TcpState.Listen;
        // Both buffers take chunks from the stack's pool only while they hold data (docs/architecture.md, buffers).
        _send = new SendBuffer(stack.Buffers, _settings.SendBufferSize);
        _recv = new ReceiveBuffer(stack.Buffers, _settings.ReceiveBufferSize, _settings.MaxOutOfOrderRanges);
        _rtt = new RttEstimator(_settings);
        Nagle = _settings.Nagle;
        // RFC 9293 §3.7.1: without an MSS option the peer is assumed to take 536 (IPv4) or 1220 (IPv6) bytes.
        SndMss = Math.Min(OurMss, id.LocalAddress.IsV6 ? 1220 : 536);
        Iss = stack.NewIss(id, now);
        _tsOffset = stack.TsClock(id, Instant.Zero);
        if (issFloor is { } floor && Iss <= floor)
            Iss = floor + 1;
        SndUna = Iss;
        SndNxt = Iss;
        SndMax = Iss;
        SndBufStart = Iss + 1;
        _sndSml = Iss;
        InitKeepAlive(now);
    }

    private ConnectionFlags _flags;

    private bool HasFlag(ConnectionFlags flag) => (_flags & flag) != 0;

    private void SetFlag(ConnectionFlags flag, bool on) => _flags = on ? _flags | flag : _flags & ~flag;

    private CongestionControl _cc => _congestion ??= CongestionControl.Create(_settings.CongestionControl, SndMss);

    /// <summary>Which of the state objects made on first use exist (for tests of what an idle connection holds).</summary>
    internal (bool Congestion, bool Recovery, bool SeldomTimers) LazyStateMade => (_congestion is not null, _recovery is not null, _seldom is not null);

    /// <summary>The stack's settings (read through the stack: one field fewer per connection).</summary>
    private TcpSettings _settings => _stack.Settings;

    /// <summary>The 4-tuple; the local address is the stack's (every connection of a stack has it).</summary>
    public ConnectionId Id
    {
        get
        {
            var local = _stack.Address;
            return new(local, _localPort, IpAddress.FromWords(_remoteHigh, _remoteLow, local.IsV6), _remotePort);
        }
    }

    public TcpState State { get; private set; }

    public TcpError Error { get; private set; }

    /// <summary>The listener that spawned this connection, until the application accepts it.</summary>
    public TcpListener? Listener { get; set; }

    /// <summary>Opened by a passive OPEN (a listener); a RST in SYN-RECEIVED then returns to LISTEN.</summary>
    public bool FromPassiveOpen { get => HasFlag(ConnectionFlags.FromPassiveOpen); }

    /// <summary>The application's handle, 0 while none was handed out.</summary>
    public int Handle { get; set; }

    /// <summary>The application called Close (or Abort): it will not read again, and the connection frees itself when done.</summary>
    public bool UserClosed { get => HasFlag(ConnectionFlags.UserClosed); set => SetFlag(ConnectionFlags.UserClosed, value); }

    /// <summary>Counted in <see cref="NetStack.Orphans"/>: closed by the application, still finishing its close.</summary>
    public bool Orphaned { get => HasFlag(ConnectionFlags.Orphaned); set => SetFlag(ConnectionFlags.Orphaned, value); }

    /// <summary>Gone from the connection table (CLOSED, or moved to the TIME-WAIT table).</summary>
    public bool IsReleased { get => HasFlag(ConnectionFlags.IsReleased); private set => SetFlag(ConnectionFlags.IsReleased, value); }

    public bool IsDirty { get => HasFlag(ConnectionFlags.IsDirty); set => SetFlag(ConnectionFlags.IsDirty, value); }

    public bool InAcceptQueue { get => HasFlag(ConnectionFlags.InAcceptQueue); set => SetFlag(ConnectionFlags.InAcceptQueue, value); }

    /// <summary>This connection's place in the stack's timer heap, −1 when it is not in it.</summary>
    public int TimerIndex { get; set; } = -1;

    public bool Nagle { get => HasFlag(ConnectionFlags.Nagle); set => SetFlag(ConnectionFlags.Nagle, value); }

    // Send sequence variables (RFC 9293 §3.3.1, figure 3).

    /// <summary>ISS: our initial send sequence number.</summary>
    public SeqNum Iss { get; private set; }

    /// <summary>SND.UNA: oldest unacknowledged sequence number.</summary>
    public SeqNum SndUna { get; private set; }

    /// <summary>SND.NXT: next sequence number to send (moves back to SND.UNA when a timeout retransmits).</summary>
    public SeqNum SndNxt { get; private set; }

    /// <summary>The highest sequence number ever sent plus one: the RFC's SND.NXT for the "ACK of unsent data" test.</summary>
    public SeqNum SndMax { get; private set; }

    /// <summary>SND.WND: the peer's offered window.</summary>
    public uint SndWnd { get; private set; }

    /// <summary>SND.WL1: segment sequence number used for the last window update.</summary>
    public SeqNum SndWl1 { get; private set; }

    /// <summary>SND.WL2: segment acknowledgment number used for the last window update.</summary>
    public SeqNum SndWl2 { get; private set; }

    /// <summary>The largest window the peer has offered (RFC 9293 §3.8.6.2.1 Max(SND.WND)).</summary>
    public uint MaxSndWnd { get; private set; }

    /// <summary>Eff.snd.MSS (RFC 9293 §3.7.1): the largest payload we send.</summary>
    public int SndMss { get; private set; }

    /// <summary>The MSS we announce.</summary>
    public ushort OurMss => _settings.MssFor(_stack.Address.IsV6);

    /// <summary>The sequence number of the first byte held in the send buffer.</summary>
    public SeqNum SndBufStart { get; private set; }

    /// <summary>The application has closed its sending side: a FIN follows the queued data at <see cref="FinSeq"/>.</summary>
    public bool FinQueued { get => HasFlag(ConnectionFlags.FinQueued); private set => SetFlag(ConnectionFlags.FinQueued, value); }

    public SeqNum FinSeq { get; private set; }

    public bool FinAcked => FinQueued && SndUna > FinSeq;

    // Receive sequence variables (RFC 9293 §3.3.1, figure 4).

    /// <summary>IRS: the peer's initial sequence number.</summary>
    public SeqNum Irs { get; private set; }

    /// <summary>RCV.NXT: next sequence number expected.</summary>
    public SeqNum RcvNxt { get; private set; }

    /// <summary>RCV.NXT + RCV.WND as last advertised; never moves left (RFC 9293 §3.8.6).</summary>
    public SeqNum RcvWndRight { get; private set; }

    /// <summary>RCV.WND as last advertised.</summary>
    public uint RcvWnd => RcvWndRight > RcvNxt ? (uint)(RcvWndRight - RcvNxt) : 0;

    /// <summary>The peer's FIN has been received (in order).</summary>
    public bool FinReceived { get => HasFlag(ConnectionFlags.FinReceived); private set => SetFlag(ConnectionFlags.FinReceived, value); }

    // Congestion control (Tcp/Congestion): the algorithm sizes cwnd and ssthresh; recovery (RFC 6582, RFC 6675) is ours.
    // Reading them does not make the controller: one not made yet has a fresh controller's values.
    public int Cwnd
    {
        get => _congestion?.Cwnd ?? CongestionControl.InitialWindow(SndMss);
        private set => _cc.Cwnd = value;
    }

    public int Ssthresh => _congestion?.Ssthresh ?? CongestionControl.InitialSsthresh;

    public CongestionControl Congestion => _cc;

    public int BytesInFlight => SndMax - SndUna;

    public int ReceiveAvailable => _recv.Readable;

    public int SendQueued => _send.Count;

    public int SendSpace => FinQueued ? 0 : _send.Free;

    public int OutOfOrderRanges => _recv.RangeCount;

    public RttEstimator Rtt => _rtt;

    /// <summary>SYN-SENT and SYN-RECEIVED are not synchronized; every other live state is.</summary>
    public bool IsSynchronized => State is not (TcpState.Closed or TcpState.Listen or TcpState.SynSent or TcpState.SynReceived);

    /// <summary>Changes state, updates the TCP-MIB counters and reports the transition.</summary>
    private void SetState(TcpState to, TcpTransitionCause cause, Instant now)
    {
        var from = State;
        if (from == to)
            return;
        State = to;
        if (to == TcpState.Established && _synTimedOut)
        {
            _rtt.ResetAfterSynTimeout();
            _cc.UseLossWindowAsInitial();
        }
        var counters = _stack.Counters;
        if (to == TcpState.SynSent && from == TcpState.Closed)
            counters.ActiveOpens++;
        if (from == TcpState.Listen && to is TcpState.SynReceived or TcpState.Established)
            counters.PassiveOpens++;
        if ((from is TcpState.SynSent or TcpState.SynReceived && to == TcpState.Closed) || (from == TcpState.SynReceived && to == TcpState.Listen))
            counters.AttemptFails++;
        bool wasEstab = from is TcpState.Established or TcpState.CloseWait;
        bool isEstab = to is TcpState.Established or TcpState.CloseWait;
        if (wasEstab && to == TcpState.Closed)
            counters.EstabResets++;
        if (wasEstab != isEstab)
            counters.CurrEstab += isEstab ? 1 : -1;
        if (_stack.HasObservers)
            _stack.Emit(new TcpEvent { Kind = TcpEventKind.StateChanged, Time = now, Connection = Id, From = from, To = to, Cause = cause });
    }

    /// <summary>Records an error for the application and reports it.</summary>
    private void Fail(TcpError error, Instant now)
    {
        Error = error;
        if (error == TcpError.TimedOut)
            _stack.Counters.Timeouts++;
        if (_stack.HasObservers)
            _stack.Emit(new TcpEvent { Kind = TcpEventKind.ConnectionError, Time = now, Connection = Id, Error = error });
    }

    /// <summary>Goes to CLOSED and leaves the connection table (RFC 9293: "delete the TCB").</summary>
    private void CloseAndRelease(TcpTransitionCause cause, Instant now)
    {
        SetState(TcpState.Closed, cause, now);
        Release();
    }

    private void Release()
    {
        if (IsReleased)
            return;
        IsReleased = true;
        LeaveHalfOpen();
        ClearTimers();
        // Everything but unread received bytes goes back to the pool now; those wait for the application unless it
        // has closed (or never had the connection), and go back as it reads them or closes the handle.
        _send.Release();
        ReleasePushMarks();
        if (UserClosed || Handle == 0)
            _recv.Release();
        else
            _recv.Retire();
        _stack.OnReleased(this);
    }

    /// <summary>The application let go of a released connection: unread received bytes go back to the pool too.</summary>
    public void DiscardBuffers()
    {
        _send.Release();
        ReleasePushMarks();
        _recv.Release();
    }

    /// <summary>
    /// Enters TIME-WAIT: the 4-tuple moves to the compact TIME-WAIT table and the full connection is freed. When
    /// <paramref name="ackFin"/>, the ACK of the peer's FIN is owed and queued. With DemoSkipTimeWait the 4-tuple is
    /// forgotten instead (demonstration only).
    /// </summary>
    private void EnterTimeWait(TcpTransitionCause cause, bool ackFin, Instant now)
    {
        if (ackFin)
        {
            if (TimestampsOk)
                _stack.QueueTimestampedAck(Id, SndNxt, RcvNxt, WindowField(), TsVal(now), TsRecent);
            else
                _stack.QueueControl(Id, SndNxt, RcvNxt, TcpFlags.Ack, WindowField());
        }
        if (_settings.DemoSkipTimeWait)
        {
            CloseAndRelease(cause, now);
            return;
        }
        SetState(TcpState.TimeWait, cause, now);
        var entry = new TimeWaitEntry { Id = Id, SndNxt = SndNxt, RcvNxt = RcvNxt, Window = WindowField(), Expiry = now + _settings.Msl * 2, TsOk = TimestampsOk, TsRecent = TsRecent, RcvShift = (byte)RcvShift, InvalidAckAt = _invalidAckAt };
        Release();
        if (!_stack.TryAddTimeWait(entry))
            SetState(TcpState.Closed, TcpTransitionCause.TimeWaitExpired, now);
    }

    /// <summary>Applies the peer's MSS option (RFC 9293 §3.7.1): Eff.snd.MSS = min(their MSS, ours).</summary>
    private void TakeMss(in TcpOptions options)
    {
        int peer = options.HasMss ? options.Mss : (Id.LocalAddress.IsV6 ? 1220 : 536);
        // A tiny or zero MSS would make us send absurd numbers of segments; clamp like Linux's TCP_MIN_MSS.
        SndMss = Math.Clamp(Math.Min(peer, (int)OurMss), 64, OurMss);
        _congestion?.SetMss(SndMss);
    }
}
