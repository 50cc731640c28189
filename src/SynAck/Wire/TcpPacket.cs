using System.Buffers.Binary;

namespace SynAck.Wire;

/// <summary>
/// A read-only view of one TCP segment (RFC 9293 §3.1) over a span, and the writer for one.
/// Parsing validates the data offset, the checksum over the pseudo-header and every option
/// (RFC 9293 §3.2, RFC 7323, RFC 2018) without allocating.
/// </summary>
public readonly ref struct TcpPacket
{
    /// <summary>A TCP header without options.</summary>
    public const int MinHeaderLength = 20;

    private readonly ReadOnlySpan<byte> _segment;
    private readonly TcpOptions _options;

    private TcpPacket(ReadOnlySpan<byte> segment, int headerLength, scoped in TcpOptions options, bool optionsMalformed)
    {
        _segment = segment;
        HeaderLength = headerLength;
        _options = options;
        OptionsMalformed = optionsMalformed;
    }

    /// <summary>
    /// Parses <paramref name="segment"/> (the IP payload). <paramref name="src"/> and
    /// <paramref name="dst"/> feed the pseudo-header checksum; <paramref name="verifyChecksum"/>
    /// false lets a capture reader look at packets whose checksums were offloaded.
    /// </summary>
    public static WireStatus TryParse(ReadOnlySpan<byte> segment, IpAddress src, IpAddress dst,
        out TcpPacket packet, bool verifyChecksum = true)
    {
        packet = default;
        if (segment.Length < MinHeaderLength)
            return WireStatus.Truncated;
        int headerLength = (segment[12] >> 4) * 4;
        if (headerLength < MinHeaderLength || headerLength > segment.Length)
            return WireStatus.BadDataOffset;
        if (verifyChecksum)
        {
            uint pseudo = SynAck.Wire.Checksum.PseudoHeaderSum(src, dst, IpProtocol.Tcp, segment.Length);
            // Summing the segment with its checksum field in place gives 0xFFFF when it verifies.
            if (SynAck.Wire.Checksum.Fold(SynAck.Wire.Checksum.Sum(segment, pseudo)) != 0)
                return WireStatus.BadChecksum;
        }
        // RFC 9293 §3.1 MUST-7: an illegal option length does not make the segment unusable (see TcpOptions.TryParse);
        // the options understood before it are kept and the malformation is reported beside the segment.
        var status = TcpOptions.TryParse(segment[MinHeaderLength..headerLength], out var options);
        packet = new TcpPacket(segment, headerLength, options, status == WireStatus.BadOptionLength);
        return WireStatus.Ok;
    }

    public ushort SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_segment);

    public ushort DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_segment[2..]);

    public SeqNum Seq => new(BinaryPrimitives.ReadUInt32BigEndian(_segment[4..]));

    public SeqNum Ack => new(BinaryPrimitives.ReadUInt32BigEndian(_segment[8..]));

    public TcpFlags Flags => (TcpFlags)_segment[13];

    /// <summary>The raw 16-bit window field, before any window scaling (RFC 7323 §2.2).</summary>
    public ushort Window => BinaryPrimitives.ReadUInt16BigEndian(_segment[14..]);

    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_segment[16..]);

    public ushort UrgentPointer => BinaryPrimitives.ReadUInt16BigEndian(_segment[18..]);

    /// <summary>Header bytes including options (data offset × 4).</summary>
    public int HeaderLength { get; }

    public TcpOptions Options => _options;

    /// <summary>
    /// True when an option had an illegal length (below 2, past the header, or wrong for its kind): parsing stopped
    /// there or skipped that option, as Linux does, and <see cref="Options"/> holds what was read.
    /// </summary>
    public bool OptionsMalformed { get; }

    /// <summary>The raw option bytes (including any unknown options and padding).</summary>
    public ReadOnlySpan<byte> OptionBytes => _segment[MinHeaderLength..HeaderLength];

    public ReadOnlySpan<byte> Payload => _segment[HeaderLength..];

    /// <summary>The whole segment this view covers.</summary>
    public ReadOnlySpan<byte> Segment => _segment;

    /// <summary>SEG.LEN of RFC 9293 §3.3.1: payload bytes plus one each for SYN and FIN.</summary>
    public int SegmentLength
        => _segment.Length - HeaderLength + ((Flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((Flags & TcpFlags.Fin) != 0 ? 1 : 0);

    /// <summary>Every header field as a value, for building a reply or comparing.</summary>
    public TcpHeaderFields Fields => new()
    {
        SourcePort = SourcePort,
        DestinationPort = DestinationPort,
        Seq = Seq,
        Ack = Ack,
        Flags = Flags,
        Window = Window,
        UrgentPointer = UrgentPointer,
        Options = _options,
    };

    /// <summary>Header length for these options: 20 plus their encoded length.</summary>
    public static int HeaderLengthFor(in TcpOptions options) => MinHeaderLength + options.EncodedLength;

    /// <summary>
    /// Writes header, options and payload into <paramref name="dest"/> with the checksum over the
    /// pseudo-header of <paramref name="src"/> and <paramref name="dst"/>; returns bytes written.
    /// Throws when the options exceed 40 bytes or <paramref name="dest"/> is too small.
    /// </summary>
    public static int Write(Span<byte> dest, in TcpHeaderFields h, ReadOnlySpan<byte> payload, IpAddress src, IpAddress dst)
    {
        int optionLength = h.Options.EncodedLength;
        if (optionLength > TcpOptions.MaxLength)
            throw new ArgumentException($"TCP options need {optionLength} bytes; a header holds 40", nameof(h));
        int headerLength = MinHeaderLength + optionLength;
        int total = headerLength + payload.Length;
        if (dest.Length < total)
            throw new ArgumentException($"destination holds {dest.Length} bytes; the segment needs {total}", nameof(dest));

        BinaryPrimitives.WriteUInt16BigEndian(dest, h.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(dest[2..], h.DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(dest[4..], h.Seq.Value);
        BinaryPrimitives.WriteUInt32BigEndian(dest[8..], h.Ack.Value);
        dest[12] = (byte)(headerLength / 4 << 4);
        dest[13] = (byte)h.Flags;
        BinaryPrimitives.WriteUInt16BigEndian(dest[14..], h.Window);
        dest[16] = 0;
        dest[17] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(dest[18..], h.UrgentPointer);
        h.Options.Write(dest[MinHeaderLength..]);
        payload.CopyTo(dest[headerLength..]);

        uint pseudo = SynAck.Wire.Checksum.PseudoHeaderSum(src, dst, IpProtocol.Tcp, total);
        BinaryPrimitives.WriteUInt16BigEndian(dest[16..], SynAck.Wire.Checksum.Compute(dest[..total], pseudo));
        return total;
    }
}
