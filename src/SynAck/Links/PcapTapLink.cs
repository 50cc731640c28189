using SynAck.Capture;

namespace SynAck.Links;

/// <summary>
/// Wraps any <see cref="ILink"/> and records every packet received (<see cref="PacketDirection.Inbound"/>)
/// and every packet the inner link took for sending (<see cref="PacketDirection.Outbound"/>) in a
/// pcapng file, as raw IP (<see cref="LinkType.Raw"/>) with nanosecond timestamps from a
/// <see cref="TimeProvider"/>. Wireshark and tshark open the file.
/// </summary>
/// <remarks>The timestamps are the wall-clock time when the tap was made plus the monotonic time
/// elapsed since, so they never step backwards. The writer is used from the link's owner thread only.</remarks>
public sealed class PcapTapLink : ILink
{
    private readonly ILink _inner;
    private readonly bool _leaveInnerOpen;
    private readonly bool _ownsWriter;
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly long _startUnixNanoseconds;
    private bool _disposed;

    /// <summary>Taps <paramref name="inner"/> into an existing writer, as a new interface in it.</summary>
    /// <param name="inner">The link to record.</param>
    /// <param name="writer">Where packets go; left open on dispose (flushed).</param>
    /// <param name="timeProvider">The clock for timestamps; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="interfaceName">The pcapng interface name; the inner link's name when null.</param>
    /// <param name="leaveInnerOpen">Keep <paramref name="inner"/> open when this link is disposed.</param>
    public PcapTapLink(ILink inner, PcapNgWriter writer, TimeProvider? timeProvider = null,
        string? interfaceName = null, bool leaveInnerOpen = false)
        : this(inner, writer, ownsWriter: false, timeProvider, interfaceName, leaveInnerOpen)
    {
    }

    /// <summary>Taps <paramref name="inner"/> into a new pcapng file written to <paramref name="stream"/>.</summary>
    /// <param name="inner">The link to record.</param>
    /// <param name="stream">Receives the pcapng file; closed when this link is disposed.</param>
    /// <param name="timeProvider">The clock for timestamps; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="interfaceName">The pcapng interface name; the inner link's name when null.</param>
    /// <param name="leaveInnerOpen">Keep <paramref name="inner"/> open when this link is disposed.</param>
    public PcapTapLink(ILink inner, Stream stream, TimeProvider? timeProvider = null,
        string? interfaceName = null, bool leaveInnerOpen = false)
        : this(inner, new PcapNgWriter(stream ?? throw new ArgumentNullException(nameof(stream))), ownsWriter: true,
            timeProvider, interfaceName, leaveInnerOpen)
    {
    }

    private PcapTapLink(ILink inner, PcapNgWriter writer, bool ownsWriter, TimeProvider? timeProvider,
        string? interfaceName, bool leaveInnerOpen)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(writer);
        _inner = inner;
        Writer = writer;
        _ownsWriter = ownsWriter;
        _leaveInnerOpen = leaveInnerOpen;
        _time = timeProvider ?? TimeProvider.System;
        InterfaceId = writer.AddInterface(LinkType.Raw, interfaceName ?? inner.Name, snapLength: Math.Max(inner.Mtu, 65535));
        _startTimestamp = _time.GetTimestamp();
        _startUnixNanoseconds = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
    }

    /// <summary>The writer the packets go to.</summary>
    public PcapNgWriter Writer { get; }

    /// <summary>This link's interface id in <see cref="Writer"/>.</summary>
    public int InterfaceId { get; }

    /// <inheritdoc/>
    public string Name => _inner.Name;

    /// <inheritdoc/>
    public int Mtu => _inner.Mtu;

    /// <inheritdoc/>
    public LinkCounters Counters => _inner.Counters;

    /// <inheritdoc/>
    public bool TryReceive(Span<byte> buffer, out int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_inner.TryReceive(buffer, out length))
            return false;
        Writer.WritePacket(InterfaceId, NowNanoseconds(), buffer[..length], PacketDirection.Inbound);
        return true;
    }

    /// <inheritdoc/>
    /// <remarks>A super-packet from an offload link is captured whole, as tcpdump on the device shows it. This link
    /// takes packets through the plain <see cref="TryReceive"/>, so their checksums are complete in the capture.</remarks>
    public int ReceiveSize => _inner.ReceiveSize;

    /// <inheritdoc/>
    public void EndBatch() => _inner.EndBatch();

    /// <inheritdoc/>
    public bool TrySend(ReadOnlySpan<byte> packet)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_inner.TrySend(packet))
            return false;
        Writer.WritePacket(InterfaceId, NowNanoseconds(), packet, PacketDirection.Outbound);
        return true;
    }

    /// <inheritdoc/>
    public LinkWaitResult Wait(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _inner.Wait(timeout, cancellationToken);
    }

    /// <inheritdoc/>
    public void Wake() => _inner.Wake();

    /// <summary>Pushes the packets written so far to the stream.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Writer.Flush();
    }

    /// <summary>Flushes (and closes, when this tap made it) the writer, and disposes the inner link unless asked not to.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_ownsWriter)
            Writer.Dispose();
        else
            Writer.Flush();
        if (!_leaveInnerOpen)
            _inner.Dispose();
    }

    private long NowNanoseconds()
    {
        // Whole nanoseconds from the timestamp counter (a TimeSpan would round to 100 ns).
        var elapsed = (Int128)(_time.GetTimestamp() - _startTimestamp) * 1_000_000_000 / _time.TimestampFrequency;
        return Math.Max(0, _startUnixNanoseconds + (long)elapsed);
    }
}
