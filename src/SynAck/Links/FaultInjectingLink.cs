namespace SynAck.Links;

/// <summary>
/// Wraps any <see cref="ILink"/> and impairs the packets crossing it in either direction: loss,
/// duplication, reordering, delay with jitter, and single-bit corruption, each a probability
/// drawn from a generator seeded by the caller. The same seed and the same packets give the
/// same decisions; delivery times follow the <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// <para>Inbound means received through <see cref="TryReceive"/>, outbound sent through
/// <see cref="TrySend"/>. Held outbound packets go out during later calls to
/// <see cref="TrySend"/>, <see cref="TryReceive"/> or <see cref="Wait"/>, and <see cref="Wait"/>
/// wakes for them, so a host loop that sleeps in <see cref="Wait"/> releases them on time.</para>
/// <para>Put it under a <see cref="PcapTapLink"/> to capture what the stack sent and received,
/// over one to capture what crossed the wire.</para>
/// </remarks>
public sealed class FaultInjectingLink : ILink
{
    private readonly ILink _inner;
    private readonly bool _leaveInnerOpen;
    private readonly TimeProvider _time;
    private readonly FaultDirection _in;
    private readonly FaultDirection _out;
    private readonly byte[] _scratch;
    private bool _disposed;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The link to impair.</param>
    /// <param name="inbound">Impairments for received packets; null for none.</param>
    /// <param name="outbound">Impairments for sent packets; null for none.</param>
    /// <param name="seed">Seeds both directions' generators (each its own stream).</param>
    /// <param name="timeProvider">The clock for delays; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="leaveInnerOpen">Keep <paramref name="inner"/> open when this link is disposed.</param>
    /// <param name="maxHeldPackets">Packets each direction may hold for delay or reordering; more are dropped and counted.</param>
    public FaultInjectingLink(ILink inner, FaultSettings? inbound, FaultSettings? outbound, ulong seed,
        TimeProvider? timeProvider = null, bool leaveInnerOpen = false, int maxHeldPackets = 4096)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxHeldPackets);
        inbound ??= FaultSettings.None;
        outbound ??= FaultSettings.None;
        inbound.Validate(nameof(inbound));
        outbound.Validate(nameof(outbound));
        _inner = inner;
        _leaveInnerOpen = leaveInnerOpen;
        _time = timeProvider ?? TimeProvider.System;
        // Two streams from one seed, so traffic one way never shifts the decisions the other way.
        _in = new FaultDirection(inbound, seed ^ 0x496E626F756E6400UL, maxHeldPackets, _time);
        _out = new FaultDirection(outbound, seed ^ 0x4F7574626F756E64UL, maxHeldPackets, _time);
        _scratch = new byte[inner.Mtu];
        Seed = seed;
    }

    /// <summary>The seed the decisions are drawn from.</summary>
    public ulong Seed { get; }

    /// <inheritdoc/>
    public string Name => _inner.Name;

    /// <inheritdoc/>
    public int Mtu => _inner.Mtu;

    /// <inheritdoc/>
    public LinkCounters Counters { get; } = new();

    /// <summary>The impairments applied to received packets.</summary>
    public FaultSettings InboundSettings => _in.Settings;

    /// <summary>The impairments applied to sent packets.</summary>
    public FaultSettings OutboundSettings => _out.Settings;

    /// <summary>What was done to received packets.</summary>
    public FaultCounters Inbound => _in.Counters;

    /// <summary>What was done to sent packets.</summary>
    public FaultCounters Outbound => _out.Counters;

    /// <summary>Packets held back in either direction.</summary>
    public int HeldCount => _in.Held.Count + _out.Held.Count;

    /// <inheritdoc/>
    public bool TryReceive(Span<byte> buffer, out int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.Length < Mtu)
            throw new ArgumentException($"the buffer holds {buffer.Length} bytes, less than the MTU {Mtu}", nameof(buffer));
        var now = _time.GetTimestamp();
        ReleaseOutbound(now);
        while (true)
        {
            if (_in.Held.TryTakeDue(now, out var held, out length))
            {
                held.AsSpan(0, length).CopyTo(buffer);
                DelayLine.Release(held);
                Counters.OnReceived(length);
                return true;
            }
            if (!_inner.TryReceive(buffer, out length))
                return false;

            var d = _in.Decide(length);
            if (d.Lost)
                continue;
            var packet = buffer[..length];
            if (d.CorruptBit >= 0)
                FaultDecision.FlipBit(packet, d.CorruptBit);
            if (d.HoldTicks > 0)
            {
                _in.Hold(packet, now + d.HoldTicks, d.Duplicate);
                continue;
            }
            if (d.Duplicate)
                _in.Hold(packet, now, duplicate: false); // due at once: the next call returns it
            Counters.OnReceived(length);
            return true;
        }
    }

    /// <inheritdoc/>
    public bool TrySend(ReadOnlySpan<byte> packet)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var now = _time.GetTimestamp();
        ReleaseOutbound(now);
        if (packet.IsEmpty || packet.Length > Mtu)
        {
            Counters.OnSendRefused();
            return false;
        }

        var d = _out.Decide(packet.Length);
        if (d.Lost)
        {
            // The link took it; the "network" lost it.
            Counters.OnSent(packet.Length);
            return true;
        }
        if (d.CorruptBit >= 0)
        {
            packet.CopyTo(_scratch);
            packet = _scratch.AsSpan(0, packet.Length);
            FaultDecision.FlipBit(_scratch, d.CorruptBit);
        }
        if (d.HoldTicks > 0)
        {
            _out.Hold(packet, now + d.HoldTicks, d.Duplicate);
            Counters.OnSent(packet.Length);
            return true;
        }
        var sent = _inner.TrySend(packet);
        if (d.Duplicate)
            sent |= _inner.TrySend(packet);
        if (sent)
            Counters.OnSent(packet.Length);
        else
            Counters.OnSendRefused();
        return sent;
    }

    /// <inheritdoc/>
    public LinkWaitResult Wait(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        WaitTimeout.Validate(timeout);
        var start = _time.GetTimestamp();
        var deadline = timeout == Timeout.InfiniteTimeSpan
            ? long.MaxValue
            : start + (long)Math.Min(long.MaxValue / 2, Math.Ceiling(timeout.Ticks * (double)_time.TimestampFrequency / TimeSpan.TicksPerSecond));
        while (true)
        {
            var now = _time.GetTimestamp();
            ReleaseOutbound(now);
            if (_in.Held.NextDue <= now)
                return LinkWaitResult.Readable;
            var wakeAt = Math.Min(deadline, Math.Min(_in.Held.NextDue, _out.Held.NextDue));
            var step = wakeAt == long.MaxValue ? Timeout.InfiniteTimeSpan
                : wakeAt <= now ? TimeSpan.Zero
                : _time.GetElapsedTime(now, wakeAt);
            var result = _inner.Wait(step, cancellationToken);
            if (result != LinkWaitResult.TimedOut)
                return result;
            if (wakeAt == deadline)
            {
                // The caller's timeout is used up; a held packet that came due at the same time still counts.
                now = _time.GetTimestamp();
                ReleaseOutbound(now);
                return _in.Held.NextDue <= now ? LinkWaitResult.Readable : LinkWaitResult.TimedOut;
            }
            // A held packet came due before the caller's deadline: release or report it.
        }
    }

    /// <inheritdoc/>
    public void Wake() => _inner.Wake();

    /// <inheritdoc/>
    public void EndBatch() => _inner.EndBatch();

    /// <summary>Drops every held packet and disposes the inner link unless asked to leave it open.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _in.Held.Clear();
        _out.Held.Clear();
        if (!_leaveInnerOpen)
            _inner.Dispose();
    }

    private void ReleaseOutbound(long now)
    {
        while (_out.Held.TryTakeDue(now, out var held, out var length))
        {
            // Already counted as sent when it was taken; a refusal now is a loss on the wire.
            _inner.TrySend(held.AsSpan(0, length));
            DelayLine.Release(held);
        }
    }
}
