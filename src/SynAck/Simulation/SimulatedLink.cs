using SynAck.Links;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Simulation;

/// <summary>
/// An <see cref="ILink"/> that joins a host running in real time (a <c>SynAckHost</c>, say) to a
/// simulated <see cref="Network"/>. The link adds a host to the network under its own name and
/// address; what the network delivers to that host is queued for <see cref="TryReceive"/>, and what
/// is given to <see cref="TrySend"/> leaves that host onto the network, through the link profile
/// towards its destination and the scripted rules, like any packet a simulated host sends.
/// </summary>
/// <remarks>
/// <para>The link drives the network's virtual clock along with the real one: virtual time is the
/// network's clock when the link was made plus the time elapsed since then on the
/// <see cref="TimeProvider"/>. Each <see cref="TrySend"/>, each <see cref="TryReceive"/> that finds
/// the queue empty, and each turn of <see cref="Wait"/> first runs the network up to that instant;
/// <see cref="Wait"/> then sleeps until the earlier of the network's next event, the timeout and a
/// <see cref="Wake"/>. So a packet on a link with 5 ms latency reaches the real-time host no sooner
/// than 5 ms of real time after it was sent, and a simulated host's timers fire in real time.</para>
/// <para>Threading: the <see cref="Network"/> is single-threaded, and this link runs it on the
/// link's owner thread (the thread that calls <see cref="TryReceive"/>, <see cref="TrySend"/> and
/// <see cref="Wait"/>: the host loop). Build the network (hosts, links, rules, observers) before
/// the owner thread starts, and touch it again only from that thread or after the owner has
/// stopped (the host is disposed). Other simulated hosts run inside those calls, on the owner
/// thread too. <see cref="Wake"/> alone may be called from any thread. An exception thrown by the
/// network (a host stuck at one instant, for instance) comes out of the call that ran it.</para>
/// <para><see cref="Wait"/> sleeps on the real clock: with a <see cref="TimeProvider"/> that does
/// not move by itself (a test clock), only wait with <see cref="TimeSpan.Zero"/>.</para>
/// </remarks>
public sealed class SimulatedLink : ILink
{
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly Instant _base;
    private readonly PacketRing _inbound;
    private readonly WakeSignal _signal = new();
    private long _inboundDropped;
    private volatile bool _disposed;

    /// <summary>
    /// Adds a host named <paramref name="name"/> with <paramref name="address"/> to
    /// <paramref name="network"/> and makes it this link's far end. Join it to other hosts with
    /// <see cref="Network.Connect(string, string, LinkProfile)"/> as usual.
    /// </summary>
    /// <param name="network">The simulated network; from now on run only by this link's owner thread.</param>
    /// <param name="name">The host's name in the network, and the link's <see cref="Name"/>.</param>
    /// <param name="address">The address the real-time host uses; packets to it come out of <see cref="TryReceive"/>.</param>
    /// <param name="time">The real clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="mtu">The largest packet <see cref="TrySend"/> takes and <see cref="TryReceive"/> hands out.</param>
    /// <param name="capacity">Received packets that may wait for <see cref="TryReceive"/>; more are dropped and counted in <see cref="InboundDropped"/>.</param>
    public SimulatedLink(Network network, string name, IpAddress address, TimeProvider? time = null, int mtu = 1500, int capacity = 1024)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfLessThan(mtu, 68); // RFC 791: every IPv4 module takes 68-byte datagrams
        ArgumentOutOfRangeException.ThrowIfGreaterThan(mtu, 65535);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Network = network;
        Mtu = mtu;
        _inbound = new PacketRing(capacity, mtu);
        Host = network.AddHost(name, address, new SimulatedLinkEndpoint(this));
        Name = name;
        _time = time ?? TimeProvider.System;
        _startTimestamp = _time.GetTimestamp();
        _base = network.Now;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Mtu { get; }

    /// <inheritdoc/>
    public LinkCounters Counters { get; } = new();

    /// <summary>The simulated network this link runs.</summary>
    public Network Network { get; }

    /// <summary>The link's host in <see cref="Network"/>.</summary>
    public SimHost Host { get; }

    /// <summary>Packets the network delivered while the receive queue was full (dropped, as a full NIC ring drops them).</summary>
    public long InboundDropped => Volatile.Read(ref _inboundDropped);

    /// <summary>The virtual instant that corresponds to the real clock now (never behind the network's clock).</summary>
    public Instant VirtualNow
    {
        get
        {
            var elapsed = _time.GetElapsedTime(_startTimestamp);
            return Instant.Max(_base + Duration.FromTimeSpan(elapsed), Network.Now);
        }
    }

    /// <inheritdoc/>
    public bool TryReceive(Span<byte> buffer, out int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.Length < Mtu)
            throw new ArgumentException($"the buffer holds {buffer.Length} bytes, less than the MTU {Mtu}", nameof(buffer));
        if (!_inbound.TryDequeue(buffer, out length))
        {
            // Nothing queued: let the network catch up with the real clock, then look once more.
            Advance();
            if (!_inbound.TryDequeue(buffer, out length))
                return false;
        }
        Counters.OnReceived(length);
        return true;
    }

    /// <inheritdoc/>
    public bool TrySend(ReadOnlySpan<byte> packet)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (packet.IsEmpty || packet.Length > Mtu || Host.IsCrashed)
        {
            Counters.OnSendRefused();
            return false;
        }
        // Run the network to this instant first, so the packet leaves at the virtual time it was sent.
        Advance();
        Network.Transmit(Host, packet, injected: false);
        Counters.OnSent(packet.Length);
        return true;
    }

    /// <inheritdoc/>
    public LinkWaitResult Wait(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        WaitTimeout.Validate(timeout);
        cancellationToken.ThrowIfCancellationRequested();
        bool infinite = timeout == Timeout.InfiniteTimeSpan;
        long start = _time.GetTimestamp();
        while (true)
        {
            // Reset before looking: a Wake that lands after the reset ends the sleep below, and one
            // that landed before it set its flag first, so the exchange sees it.
            if (_signal.ResetAndTakeWake() || _disposed)
                return LinkWaitResult.Woken;
            Advance();
            if (_inbound.Count > 0)
                return LinkWaitResult.Readable;

            var sleep = Timeout.InfiniteTimeSpan;
            if (!infinite)
            {
                sleep = timeout - _time.GetElapsedTime(start);
                if (sleep <= TimeSpan.Zero)
                    return LinkWaitResult.TimedOut;
            }
            var next = Network.NextEventTime;
            if (next != Instant.MaxValue)
            {
                var untilNext = (next - VirtualNow).ToTimeSpan();
                if (untilNext < TimeSpan.Zero)
                    untilNext = TimeSpan.Zero;
                if (infinite || untilNext < sleep)
                    sleep = untilNext;
            }
            // Rounded up to whole milliseconds, so the network is never run ahead of the real clock.
            _signal.Wait(WaitTimeout.ToMilliseconds(sleep), cancellationToken);
        }
    }

    /// <inheritdoc/>
    public void Wake()
    {
        if (_disposed)
            return;
        _signal.Wake();
    }

    /// <summary>
    /// Closes the link: its host stays in the network but takes no more packets from this side, and
    /// packets delivered to it are dropped. The network itself is left as it is.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _signal.Set();
    }

    /// <summary>Called by the network (on the owner thread) when a packet reaches this link's host.</summary>
    internal void OnDelivered(ReadOnlySpan<byte> packet)
    {
        if (_disposed || !_inbound.TryEnqueue(packet))
            Volatile.Write(ref _inboundDropped, _inboundDropped + 1);
    }

    /// <summary>Runs the network up to the virtual instant of the real clock now.</summary>
    private void Advance() => Network.RunUntil(VirtualNow);

}
