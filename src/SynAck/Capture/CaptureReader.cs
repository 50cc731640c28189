using System.Buffers.Binary;

namespace SynAck.Capture;

/// <summary>
/// Reads packets from a pcap or pcapng stream, plain or compressed (gzip, zstd, lz4), one record at a time, in bounded memory.
/// </summary>
/// <remarks>
/// <para>Formats: pcap with microsecond or nanosecond timestamps in either byte order; pcapng
/// with any number of sections (each may have its own byte order; a new section forgets the
/// interfaces of the last), Interface Description Blocks (<c>if_tsresol</c> as a power of 10
/// or of 2, <c>if_tsoffset</c>), Enhanced, Simple and obsolete Packet Blocks. Other blocks
/// (name resolution, statistics, decryption secrets, custom) are skipped by their length.</para>
/// <para>Damage is data: a truncated record, a bad or absurd block length, a trailing length
/// that differs from the leading one or an unknown magic number ends the reading —
/// <see cref="TryReadNext"/> returns false and <see cref="Error"/> says where and why. Every
/// record before the damage has been returned. No sequence of bytes makes the reader throw;
/// exceptions from the stream itself (I/O errors) pass through.</para>
/// <para><see cref="CaptureRecord.Data"/> points into a buffer the reader reuses: it stays
/// valid only until the next call to <see cref="TryReadNext"/>.</para>
/// <para>Not thread-safe.</para>
/// </remarks>
public sealed partial class CaptureReader : IDisposable
{
    private const int SkipChunk = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private byte[] _buffer = new byte[4096];
    private bool _done;

    private CaptureReader(Stream stream, bool leaveOpen)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    /// <summary>The format recognised from the first bytes.</summary>
    public CaptureFormat Format { get; private set; }

    /// <summary>Why reading stopped early; null while reading goes well and after a clean end.</summary>
    public CaptureError? Error { get; private set; }

    /// <summary>Packets returned so far.</summary>
    public long FramesRead { get; private set; }

    /// <summary>Bytes consumed from the stream so far (the offset of the next block or record).</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// Opens a capture: reads the magic number to tell pcap from pcapng (and, for pcap, the
    /// file header). Never throws for the content: an unknown or damaged header shows in
    /// <see cref="Error"/> and the first <see cref="TryReadNext"/> returns false.
    /// </summary>
    /// <param name="stream">A readable stream positioned at the start of the capture.</param>
    /// <param name="leaveOpen">Keep <paramref name="stream"/> open after <see cref="Dispose"/>.</param>
    public static CaptureReader Open(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
            throw new ArgumentException("the stream is not readable", nameof(stream));
        var reader = new CaptureReader(stream, leaveOpen);
        reader.ReadFileStart();
        return reader;
    }

    /// <summary>
    /// Reads the next packet. Returns false at the end of the capture or at damage (then
    /// <see cref="Error"/> is set); after that it keeps returning false.
    /// </summary>
    public bool TryReadNext(out CaptureRecord record)
    {
        record = default;
        if (_done)
            return false;
        var ok = Format == CaptureFormat.Pcap ? TryReadPcapRecord(out record) : TryReadPcapNgPacket(out record);
        if (!ok)
        {
            _done = true;
            return false;
        }
        FramesRead++;
        return true;
    }

    /// <summary>Closes the stream unless it was to be left open.</summary>
    public void Dispose()
    {
        _done = true;
        _decoder?.Dispose();
        if (!_leaveOpen)
            _stream.Dispose();
    }

    private void ReadFileStart()
    {
        Span<byte> magic = stackalloc byte[4];
        var n = ReadFull(magic);
        if (n < 4)
        {
            Fail(0, n == 0 ? "the file is empty: no capture header" : $"the file ends after {n} bytes, inside the magic number");
            return;
        }
        var compression = Recognise(magic);
        if (compression != CaptureCompression.None)
        {
            StartDecoding(compression, magic);
            n = ReadFull(magic);
            if (n < 4)
            {
                Fail(0, $"the {compression.ToString().ToLowerInvariant()} data holds {n} bytes: no capture header");
                return;
            }
        }
        var le = BinaryPrimitives.ReadUInt32LittleEndian(magic);
        var be = BinaryPrimitives.ReadUInt32BigEndian(magic);
        if (le == PcapNgFormat.SectionHeaderBlock)
        {
            // The section header is read as a block by the first TryReadNext; give the 4 bytes back.
            Format = CaptureFormat.PcapNg;
            _pendingMagic = true;
            return;
        }
        if (le is PcapFormat.MicrosecondMagic or PcapFormat.NanosecondMagic)
            StartPcap(bigEndian: false, nanosecond: le == PcapFormat.NanosecondMagic);
        else if (be is PcapFormat.MicrosecondMagic or PcapFormat.NanosecondMagic)
            StartPcap(bigEndian: true, nanosecond: be == PcapFormat.NanosecondMagic);
        else
            Fail(0, $"unknown magic number {be:X8}: neither pcap (A1B2C3D4, A1B23C4D) nor pcapng (0A0D0D0A)");
    }

    private bool Fail(long offset, string message)
    {
        Error ??= new CaptureError(offset, message);
        _done = true;
        return false;
    }

    /// <summary>Reads until <paramref name="dest"/> is full or the stream ends; returns the bytes read.</summary>
    private int ReadFull(Span<byte> dest)
    {
        var total = 0;
        while (total < dest.Length)
        {
            var n = _decoder is null ? _stream.Read(dest[total..]) : ReadDecoded(dest[total..]);
            if (n <= 0)
                break;
            total += n;
        }
        BytesRead += total;
        return total;
    }

    /// <summary>Consumes <paramref name="count"/> bytes without keeping them (seeking when the stream can);
    /// returns the bytes actually skipped.</summary>
    private long Skip(long count)
    {
        if (_decoder is null && _stream.CanSeek)
        {
            var remaining = _stream.Length - _stream.Position;
            var step = Math.Min(count, Math.Max(remaining, 0));
            _stream.Seek(step, SeekOrigin.Current);
            BytesRead += step;
            return step;
        }
        EnsureBuffer(SkipChunk);
        long skipped = 0;
        while (skipped < count)
        {
            var n = ReadFull(_buffer.AsSpan(0, (int)Math.Min(SkipChunk, count - skipped)));
            skipped += n;
            if (n == 0)
                break;
        }
        return skipped;
    }

    /// <summary>Bytes left in a seekable stream (so a damaged length is caught before a buffer
    /// is grown for it); <see cref="long.MaxValue"/> when the stream cannot tell.</summary>
    private long Remaining => _decoder is null && _stream.CanSeek ? Math.Max(0, _stream.Length - _stream.Position) : long.MaxValue;

    private void EnsureBuffer(int length)
    {
        if (_buffer.Length < length)
            _buffer = new byte[Math.Max(length, Math.Min(_buffer.Length * 2, PcapNgFormat.MaxBlockLength))];
    }
}
