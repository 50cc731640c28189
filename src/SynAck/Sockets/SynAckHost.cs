using System.Net;
using System.Security.Cryptography;
using SynAck.Links;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Wire;

namespace SynAck.Sockets;

/// <summary>
/// Runs one <see cref="NetStack"/> on a dedicated event-loop thread with the real clock, over an <see cref="ILink"/>:
/// the loop sleeps until a packet arrives, the stack's next deadline, or a user call; delivers every packet; runs
/// the user calls; and polls the stack's output into the link. Every user call (connect, listen, read, write,
/// close) is posted to the loop, so the stack is only ever touched by one thread.
/// </summary>
/// <example>
/// <code>
/// await using var host = new SynAckHost(link, IpAddress.Parse("198.18.0.2"));
/// await using var listener = host.Listen(80);
/// await using var connection = await listener.AcceptAsync(ct);
/// </code>
/// </example>
public sealed partial class SynAckHost : IAsyncDisposable, IDisposable
{
    private readonly ILink _link;
    private readonly NetStack _stack;
    private readonly SynAckHostOptions _options;
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly Thread _thread;
    private readonly Lock _queueLock = new();
    private Queue<HostCommand> _posted = new();
    private Queue<HostCommand> _running = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;
    private int _disposeStarted;

    /// <summary>Starts a host for <paramref name="address"/> on <paramref name="link"/>; the loop runs at once.</summary>
    /// <param name="link">The link to the network; owned (disposed with the host) unless <see cref="SynAckHostOptions.OwnsLink"/> is false.</param>
    /// <param name="address">The stack's own address; packets to other addresses are dropped.</param>
    /// <param name="options">Settings, clock and seed; defaults when null.</param>
    public SynAckHost(ILink link, IpAddress address, SynAckHostOptions? options = null)
        : this(link, address, options, null, 0)
    {
    }

    private SynAckHost(ILink link, IpAddress address, SynAckHostOptions? options, ShardGroup? group, int shard)
    {
        ArgumentNullException.ThrowIfNull(link);
        _group = group;
        _shard = shard;
        _link = link;
        _options = options ?? new SynAckHostOptions();
        _time = _options.TimeProvider ?? TimeProvider.System;
        ulong seed = _options.Seed ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        _stack = new NetStack(address, _options.Settings ?? TcpSettings.Default, new SplitMix64Random(seed)) { IpSettings = _options.IpSettings ?? IpSettings.Default };
        if (_options.CountRetransmissions)
            _stack.AddObserver(new RetransmissionCounter(this));
        _startTimestamp = _time.GetTimestamp();
        _receiveBuffer = new byte[Math.Max(link.ReceiveSize, 1500)];
        _sink = new LinkSink(link);
        _portRandom = seed ^ 0x9E3779B97F4A7C15UL;
        _thread = new Thread(Run) { IsBackground = true, Name = group is null ? _options.ThreadName : $"{_options.ThreadName}-{shard}" };
        group?.Set(shard, this);
        _thread.Start();
    }

    /// <summary>The stack's own address.</summary>
    public IpAddress Address => _stack.Address;

    /// <summary>The link the host drives.</summary>
    public ILink Link => _link;

    /// <summary>Completes when the event loop has ended (after <see cref="DisposeAsync"/>), or faults when the loop
    /// failed: with a <see cref="LinkFailedException"/> when the link went away (its device deleted, its namespace
    /// removed). Every connection, accept and connect still waiting then fails with the same exception.</summary>
    public Task Completion => _stopped.Task;

    /// <summary>Packets the host dropped before the stack saw them (another IP version than the stack's).</summary>
    public long PacketsIgnored => Interlocked.Read(ref _packetsIgnored);

    /// <summary>Starts listening on <paramref name="port"/>.</summary>
    /// <param name="port">The local port (1–65535).</param>
    /// <param name="backlog">Half-open plus not-yet-accepted connections the stack holds; more SYNs are dropped.</param>
    /// <exception cref="InvalidOperationException">The port already listens.</exception>
    public SynAckListener Listen(ushort port, int backlog = 128)
    {
        ArgumentOutOfRangeException.ThrowIfZero(port);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(backlog);
        var listener = new SynAckListener(this, port);
        // Listening must be in place when Listen returns, so a client started right after is not refused.
        _group?.MarkListening(port);
        InvokeAsync(s =>
        {
            s.Listen(port, backlog);
            _listeners.Add(listener);
            return true;
        }).GetAwaiter().GetResult();
        return listener;
    }

    /// <summary>Opens a connection to <paramref name="remote"/> (an <see cref="IPEndPoint"/>, or a <see cref="DnsEndPoint"/> holding an address literal).</summary>
    /// <exception cref="System.Net.Sockets.SocketException">ConnectionRefused when the peer answers with RST, TimedOut when SYN retries run out.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the attempt is aborted).</exception>
    public ValueTask<SynAckConnection> ConnectAsync(EndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var endpoint = remote switch
        {
            IPEndPoint ip => ip,
            DnsEndPoint dns when IPAddress.TryParse(dns.Host, out var a) => new IPEndPoint(a, dns.Port),
            _ => throw new ArgumentException("SynAck has no resolver: pass an IPEndPoint or a DnsEndPoint holding an address", nameof(remote)),
        };
        if (endpoint.Port == 0)
            throw new ArgumentOutOfRangeException(nameof(remote), "port 0 cannot be connected to");
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<SynAckConnection>(cancellationToken);
        ObjectDisposedException.ThrowIf(_stopping, this);
        var attempt = new ConnectAttempt(this, IpAddress.FromIPAddress(endpoint.Address), (ushort)endpoint.Port, cancellationToken);
        Post(new HostCommand(HostCommandKind.Connect, attempt));
        return new ValueTask<SynAckConnection>(attempt.Completion.Task);
    }

    /// <summary>
    /// Runs <paramref name="function"/> on the event loop with the stack and returns its result: the safe way to read
    /// counters or state (<see cref="NetStack.TimeWaitCount"/>, <see cref="NetStack.Counters"/>) from another thread.
    /// The function must not block and must not keep the stack.
    /// </summary>
    public Task<T> InvokeAsync<T>(Func<NetStack, T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var work = new LoopWork<T>(function);
        if (_stopping)
            work.Fail(Volatile.Read(ref _failure) ?? (Exception)new ObjectDisposedException(nameof(SynAckHost)));
        else
            Post(new HostCommand(HostCommandKind.Invoke, work));
        return work.Completion.Task;
    }

    /// <summary>
    /// Stops the host: listeners stop, connections the application still holds are aborted (RST), connections it
    /// already closed get <see cref="SynAckHostOptions.ShutdownGrace"/> to finish their close, then the loop ends and
    /// the link is released. Does not throw when the loop had failed: <see cref="Completion"/> says why.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) == 0)
            Post(new HostCommand(HostCommandKind.Stop, null));
        await _stopped.Task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Stops the host and waits for its loop to end (see <see cref="DisposeAsync"/>).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) == 0)
            Post(new HostCommand(HostCommandKind.Stop, null));
        if (Thread.CurrentThread != _thread)
            _thread.Join();
    }

    /// <summary>Queues a command for the loop and wakes it.</summary>
    /// <remarks>
    /// The wake (a write to the link's eventfd) happens after the lock is released, and only for the command that
    /// finds the queue empty: a command behind it is taken by the same swap in the loop. The lock is then held for an
    /// enqueue only; holding it across the system call made the loop and the callers' threads queue on it (a holder
    /// preempted on two cores left the loop waiting milliseconds with requests unanswered).
    /// </remarks>
    internal void Post(in HostCommand command)
    {
        Exception? refused = null;
        bool wake = false;
        lock (_queueLock)
        {
            if (_loopEnded)
            {
                refused = _failure ?? new ObjectDisposedException(nameof(SynAckHost));
            }
            else
            {
                wake = _posted.Count == 0;
                _posted.Enqueue(command);
            }
        }
        if (refused is not null)
            FailCommand(command, refused);
        else if (wake)
            _link.Wake();
    }
}
