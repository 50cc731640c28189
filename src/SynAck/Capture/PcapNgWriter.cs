using System.Buffers.Binary;
using System.Text;

namespace SynAck.Capture;

/// <summary>
/// Writes a pcapng file: one Section Header Block, an Interface Description Block per
/// <see cref="AddInterface"/> (with <c>if_tsresol</c> = 9, so timestamps are whole
/// nanoseconds) and an Enhanced Packet Block per packet (with <c>epb_flags</c> carrying the
/// direction). Little-endian. Wireshark, tshark and tcpdump read the result.
/// </summary>
/// <remarks>Not thread-safe. Packets are written straight to the stream; call
/// <see cref="Flush"/> to push them through a buffered stream.</remarks>
public sealed class PcapNgWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly List<int> _snapLengths = [];
    private byte[] _block = new byte[256];
    private bool _disposed;

    /// <summary>Starts a section and writes its header to <paramref name="stream"/>.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="leaveOpen">Keep <paramref name="stream"/> open after <see cref="Dispose"/>.</param>
    /// <param name="application">Written as the <c>shb_userappl</c> option; null omits it.</param>
    public PcapNgWriter(Stream stream, bool leaveOpen = false, string? application = "SynAck")
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
            throw new ArgumentException("the stream is not writable", nameof(stream));
        _stream = stream;
        _leaveOpen = leaveOpen;

        var options = new OptionList();
        if (application is not null)
            options.Add(PcapNgFormat.ShbUserApplication, Encoding.UTF8.GetBytes(application));
        var body = 16 + options.EncodedLength;
        var span = BeginBlock(PcapNgFormat.SectionHeaderBlock, body);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], PcapNgFormat.ByteOrderMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(span[12..], 1); // major version
        BinaryPrimitives.WriteUInt16LittleEndian(span[14..], 0); // minor version
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], -1); // section length not given
        options.WriteTo(span[24..]);
        EndBlock(body);
    }

    /// <summary>
    /// Describes an interface (an Interface Description Block) and returns its id for
    /// <see cref="WritePacket"/>: 0 for the first, then 1, 2, ...
    /// </summary>
    /// <param name="linkType">The link-layer header type of the packets on this interface.</param>
    /// <param name="name">Written as <c>if_name</c>; null omits it.</param>
    /// <param name="snapLength">Longest packet kept; longer packets are cut to this length.</param>
    public int AddInterface(LinkType linkType, string? name = null, int snapLength = 262144)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snapLength);
        if ((uint)linkType > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(linkType), "pcapng link types are 16 bits");

        var options = new OptionList();
        if (name is not null)
            options.Add(PcapNgFormat.IfName, Encoding.UTF8.GetBytes(name));
        options.Add(PcapNgFormat.IfTsResolution, [9]); // 10^-9 s: nanoseconds
        var body = 8 + options.EncodedLength;
        var span = BeginBlock(PcapNgFormat.InterfaceDescriptionBlock, body);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], (ushort)linkType);
        BinaryPrimitives.WriteUInt16LittleEndian(span[10..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], snapLength);
        options.WriteTo(span[16..]);
        EndBlock(body);
        _snapLengths.Add(snapLength);
        return _snapLengths.Count - 1;
    }

    /// <summary>Writes one packet as an Enhanced Packet Block.</summary>
    /// <param name="interfaceId">An id returned by <see cref="AddInterface"/>.</param>
    /// <param name="timestampNanoseconds">Nanoseconds since the Unix epoch (or since the start
    /// of a simulation); not negative.</param>
    /// <param name="data">The packet, starting with the interface's link-layer header.</param>
    /// <param name="direction">Recorded in <c>epb_flags</c> unless <see cref="PacketDirection.Unknown"/>.</param>
    /// <param name="originalLength">Length on the wire when <paramref name="data"/> is already
    /// cut short; -1 means <c>data.Length</c>.</param>
    public void WritePacket(int interfaceId, long timestampNanoseconds, ReadOnlySpan<byte> data,
        PacketDirection direction = PacketDirection.Unknown, int originalLength = -1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)interfaceId >= (uint)_snapLengths.Count)
            throw new ArgumentOutOfRangeException(nameof(interfaceId), "no interface with this id was added");
        ArgumentOutOfRangeException.ThrowIfNegative(timestampNanoseconds);
        if (originalLength == -1)
            originalLength = data.Length;
        if (originalLength < data.Length)
            throw new ArgumentOutOfRangeException(nameof(originalLength), "the original length is shorter than the data");

        var captured = Math.Min(data.Length, _snapLengths[interfaceId]);
        var hasFlags = direction != PacketDirection.Unknown;
        // Options: epb_flags (4 + 4) and opt_endofopt (4).
        var body = 20 + PcapNgFormat.Pad4(captured) + (hasFlags ? 12 : 0);
        var span = BeginBlock(PcapNgFormat.EnhancedPacketBlock, body);
        var ts = (ulong)timestampNanoseconds;
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], interfaceId);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)(ts >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], (uint)ts);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], captured);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], originalLength);
        data[..captured].CopyTo(span[28..]);
        var at = 28 + captured;
        span[at..(28 + PcapNgFormat.Pad4(captured))].Clear();
        at = 28 + PcapNgFormat.Pad4(captured);
        if (hasFlags)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[at..], PcapNgFormat.EpbFlags);
            BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 2)..], 4);
            BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 4)..], (uint)direction & 0b11);
            BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 8)..], 0); // opt_endofopt
        }
        EndBlock(body);
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

    /// <summary>Readies the reusable block buffer for a block with a body of
    /// <paramref name="bodyLength"/> bytes (a multiple of 4) and writes type and length.</summary>
    private Span<byte> BeginBlock(uint type, int bodyLength)
    {
        var total = PcapNgFormat.BlockOverhead + bodyLength;
        if (_block.Length < total)
            _block = new byte[Math.Max(total, _block.Length * 2)];
        var span = _block.AsSpan(0, total);
        BinaryPrimitives.WriteUInt32LittleEndian(span, type);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], total);
        return span;
    }

    private void EndBlock(int bodyLength)
    {
        var total = PcapNgFormat.BlockOverhead + bodyLength;
        BinaryPrimitives.WriteInt32LittleEndian(_block.AsSpan(total - 4), total);
        _stream.Write(_block, 0, total);
    }

    /// <summary>Options of a header block (written rarely, so a small list is fine).</summary>
    private sealed class OptionList
    {
        private readonly List<(ushort Code, byte[] Value)> _options = [];

        public void Add(ushort code, byte[] value)
        {
            if (value.Length > ushort.MaxValue - 3)
                throw new ArgumentException("a pcapng option holds at most 65532 bytes", nameof(value));
            _options.Add((code, value));
        }

        /// <summary>Each option padded to 4, then opt_endofopt; nothing at all when there are no options.</summary>
        public int EncodedLength
        {
            get
            {
                if (_options.Count == 0)
                    return 0;
                var n = 4;
                foreach (var (_, value) in _options)
                    n += 4 + PcapNgFormat.Pad4(value.Length);
                return n;
            }
        }

        public void WriteTo(Span<byte> dest)
        {
            if (_options.Count == 0)
                return;
            var at = 0;
            foreach (var (code, value) in _options)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(dest[at..], code);
                BinaryPrimitives.WriteUInt16LittleEndian(dest[(at + 2)..], (ushort)value.Length);
                value.CopyTo(dest[(at + 4)..]);
                dest.Slice(at + 4 + value.Length, PcapNgFormat.Pad4(value.Length) - value.Length).Clear();
                at += 4 + PcapNgFormat.Pad4(value.Length);
            }
            BinaryPrimitives.WriteUInt32LittleEndian(dest[at..], 0);
        }
    }
}
