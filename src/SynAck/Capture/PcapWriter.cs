using System.Buffers.Binary;

namespace SynAck.Capture;

/// <summary>
/// Writes a classic libpcap file (little-endian): magic <c>A1B23C4D</c> with nanosecond
/// timestamps, or <c>A1B2C3D4</c> with microsecond timestamps. One link type for the whole file.
/// </summary>
/// <remarks>Not thread-safe. Call <see cref="Flush"/> to push packets through a buffered stream.</remarks>
public sealed class PcapWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _nanosecond;
    private readonly int _snapLength;
    private readonly bool _leaveOpen;
    private readonly byte[] _header = new byte[PcapFormat.FileHeaderLength];
    private bool _disposed;

    /// <summary>Writes the file header to <paramref name="stream"/>.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="linkType">The link-layer header type of every packet.</param>
    /// <param name="nanosecond">Nanosecond timestamps (magic <c>A1B23C4D</c>); false writes
    /// microseconds, truncating the nanoseconds below them.</param>
    /// <param name="snapLength">Longest packet kept; longer packets are cut to this length.</param>
    /// <param name="leaveOpen">Keep <paramref name="stream"/> open after <see cref="Dispose"/>.</param>
    public PcapWriter(Stream stream, LinkType linkType, bool nanosecond = true, int snapLength = 262144, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
            throw new ArgumentException("the stream is not writable", nameof(stream));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snapLength);
        _stream = stream;
        _nanosecond = nanosecond;
        _snapLength = snapLength;
        _leaveOpen = leaveOpen;

        var h = _header.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(h, nanosecond ? PcapFormat.NanosecondMagic : PcapFormat.MicrosecondMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2); // version 2.4
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], 0);  // thiszone: timestamps are UTC
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0); // sigfigs
        BinaryPrimitives.WriteInt32LittleEndian(h[16..], snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], (uint)linkType);
        _stream.Write(_header, 0, PcapFormat.FileHeaderLength);
    }

    /// <summary>Writes one packet record.</summary>
    /// <param name="timestampNanoseconds">Nanoseconds since the Unix epoch; not negative, and
    /// below 2^32 seconds (the format's limit).</param>
    /// <param name="data">The packet, starting with the link-layer header.</param>
    /// <param name="originalLength">Length on the wire when <paramref name="data"/> is already
    /// cut short; -1 means <c>data.Length</c>.</param>
    public void WritePacket(long timestampNanoseconds, ReadOnlySpan<byte> data, int originalLength = -1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(timestampNanoseconds);
        var seconds = timestampNanoseconds / 1_000_000_000;
        if (seconds > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(timestampNanoseconds), "pcap seconds are 32 bits");
        var fraction = timestampNanoseconds % 1_000_000_000;
        if (!_nanosecond)
            fraction /= 1000;
        if (originalLength == -1)
            originalLength = data.Length;
        if (originalLength < data.Length)
            throw new ArgumentOutOfRangeException(nameof(originalLength), "the original length is shorter than the data");

        var captured = Math.Min(data.Length, _snapLength);
        var h = _header.AsSpan(0, PcapFormat.RecordHeaderLength);
        BinaryPrimitives.WriteUInt32LittleEndian(h, (uint)seconds);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)fraction);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], captured);
        BinaryPrimitives.WriteInt32LittleEndian(h[12..], originalLength);
        _stream.Write(h);
        _stream.Write(data[..captured]);
    }

    /// <summary>Flushes the underlying stream.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _stream.Flush();
    }

    /// <summary>Flushes, and closes the stream unless it was to be left open.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _stream.Flush();
        if (!_leaveOpen)
            _stream.Dispose();
    }
}
