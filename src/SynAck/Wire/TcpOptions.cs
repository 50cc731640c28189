using System.Buffers.Binary;

namespace SynAck.Wire;

/// <summary>
/// The TCP options SynAck understands, as a value type with no allocation: MSS (RFC 9293 §3.7.1),
/// window scale and timestamps (RFC 7323), SACK-permitted and up to four SACK blocks (RFC 2018).
/// Unknown options met while parsing are skipped by their length and not kept.
/// </summary>
public struct TcpOptions : IEquatable<TcpOptions>
{
    /// <summary>The most SACK blocks one segment can carry in 40 bytes of option space (RFC 2018 §3).</summary>
    public const int MaxSackBlocks = 4;

    /// <summary>The most option bytes a TCP header holds (data offset 15 → 60-byte header).</summary>
    public const int MaxLength = 40;

    public bool HasMss;
    public ushort Mss;
    public bool HasWindowScale;
    public byte WindowScale;
    public bool SackPermitted;
    public bool HasTimestamps;
    public uint TsVal;
    public uint TsEcr;

    private int _sackBlockCount;
    private SackBlock _sack0;
    private SackBlock _sack1;
    private SackBlock _sack2;
    private SackBlock _sack3;

    /// <summary>How many SACK blocks the options carry (0..4).</summary>
    public readonly int SackBlockCount => _sackBlockCount;

    /// <summary>The SACK block at <paramref name="i"/> (0 ≤ i &lt; <see cref="SackBlockCount"/>).</summary>
    public readonly SackBlock GetSackBlock(int i)
    {
        if ((uint)i >= (uint)_sackBlockCount)
            throw new ArgumentOutOfRangeException(nameof(i));
        return i switch { 0 => _sack0, 1 => _sack1, 2 => _sack2, _ => _sack3 };
    }

    /// <summary>Appends a SACK block; throws when four are already held.</summary>
    public void AddSackBlock(SackBlock b)
    {
        if (!TryAddSackBlock(b))
            throw new InvalidOperationException("a TCP segment carries at most 4 SACK blocks");
    }

    /// <summary>Appends a SACK block unless four are already held.</summary>
    public bool TryAddSackBlock(SackBlock b)
    {
        switch (_sackBlockCount)
        {
            case 0: _sack0 = b; break;
            case 1: _sack1 = b; break;
            case 2: _sack2 = b; break;
            case 3: _sack3 = b; break;
            default: return false;
        }
        _sackBlockCount++;
        return true;
    }

    /// <summary>Removes every SACK block.</summary>
    public void ClearSackBlocks() => _sackBlockCount = 0;

    /// <summary>
    /// Bytes the options take when written, a multiple of 4. The layout follows Linux:
    /// MSS; SACK-permitted + timestamps (or NOP NOP before whichever is alone); NOP + window scale;
    /// NOP NOP + SACK blocks.
    /// </summary>
    public readonly int EncodedLength
    {
        get
        {
            int n = HasMss ? 4 : 0;
            if (HasTimestamps)
                n += 12;
            else if (SackPermitted)
                n += 4;
            if (HasWindowScale)
                n += 4;
            if (_sackBlockCount > 0)
                n += 4 + 8 * _sackBlockCount;
            return n;
        }
    }

    /// <summary>Writes the options in the layout of <see cref="EncodedLength"/>; returns bytes written.</summary>
    internal readonly int Write(Span<byte> dest)
    {
        int o = 0;
        if (HasMss)
        {
            dest[0] = (byte)TcpOptionKind.MaximumSegmentSize;
            dest[1] = 4;
            BinaryPrimitives.WriteUInt16BigEndian(dest[2..], Mss);
            o = 4;
        }
        if (HasTimestamps)
        {
            if (SackPermitted)
            {
                dest[o++] = (byte)TcpOptionKind.SackPermitted;
                dest[o++] = 2;
            }
            else
            {
                dest[o++] = (byte)TcpOptionKind.NoOperation;
                dest[o++] = (byte)TcpOptionKind.NoOperation;
            }
            dest[o++] = (byte)TcpOptionKind.Timestamps;
            dest[o++] = 10;
            BinaryPrimitives.WriteUInt32BigEndian(dest[o..], TsVal);
            BinaryPrimitives.WriteUInt32BigEndian(dest[(o + 4)..], TsEcr);
            o += 8;
        }
        else if (SackPermitted)
        {
            dest[o++] = (byte)TcpOptionKind.NoOperation;
            dest[o++] = (byte)TcpOptionKind.NoOperation;
            dest[o++] = (byte)TcpOptionKind.SackPermitted;
            dest[o++] = 2;
        }
        if (HasWindowScale)
        {
            dest[o++] = (byte)TcpOptionKind.NoOperation;
            dest[o++] = (byte)TcpOptionKind.WindowScale;
            dest[o++] = 3;
            dest[o++] = WindowScale;
        }
        if (_sackBlockCount > 0)
        {
            dest[o++] = (byte)TcpOptionKind.NoOperation;
            dest[o++] = (byte)TcpOptionKind.NoOperation;
            dest[o++] = (byte)TcpOptionKind.Sack;
            dest[o++] = (byte)(2 + 8 * _sackBlockCount);
            for (int i = 0; i < _sackBlockCount; i++)
            {
                var b = GetSackBlock(i);
                BinaryPrimitives.WriteUInt32BigEndian(dest[o..], b.Left.Value);
                BinaryPrimitives.WriteUInt32BigEndian(dest[(o + 4)..], b.Right.Value);
                o += 8;
            }
        }
        return o;
    }

    /// <summary>
    /// Reads the option bytes of a TCP header (RFC 9293 §3.2): EOL ends the list, NOP is one
    /// byte, every other kind has a length byte covering kind and length. Unknown kinds are
    /// skipped by that length. RFC 9293 §3.1 (MUST-7) asks a receiver to be prepared for illegal
    /// option lengths without failing, and Linux's tcp_parse_options is the model: a length below 2
    /// or one that runs past the header ends parsing, and a known kind with the wrong length is
    /// skipped by its length; the options read until then are kept. Either case returns
    /// <see cref="WireStatus.BadOptionLength"/> so that a reader can report the malformation, yet
    /// <paramref name="options"/> holds what was understood and the segment remains usable.
    /// </summary>
    internal static WireStatus TryParse(ReadOnlySpan<byte> bytes, out TcpOptions options)
    {
        options = default;
        var status = WireStatus.Ok;
        int i = 0;
        while (i < bytes.Length)
        {
            byte kind = bytes[i];
            if (kind == (byte)TcpOptionKind.EndOfList)
                break;
            if (kind == (byte)TcpOptionKind.NoOperation)
            {
                i++;
                continue;
            }
            // A kind in the last byte has no length byte; a length below 2 or past the end cannot be stepped over.
            if (i + 1 >= bytes.Length)
                return WireStatus.BadOptionLength;
            int len = bytes[i + 1];
            if (len < 2 || i + len > bytes.Length)
                return WireStatus.BadOptionLength;
            var body = bytes.Slice(i + 2, len - 2);
            if (!TryTake((TcpOptionKind)kind, len, body, ref options))
                status = WireStatus.BadOptionLength;
            i += len;
        }
        return status;
    }

    /// <summary>Takes one option whose length is in bounds; false when the length is wrong for its kind (the option is then ignored).</summary>
    private static bool TryTake(TcpOptionKind kind, int len, ReadOnlySpan<byte> body, ref TcpOptions options)
    {
        switch (kind)
        {
            case TcpOptionKind.MaximumSegmentSize:
                if (len != 4)
                    return false;
                options.HasMss = true;
                options.Mss = BinaryPrimitives.ReadUInt16BigEndian(body);
                return true;
            case TcpOptionKind.WindowScale:
                if (len != 3)
                    return false;
                options.HasWindowScale = true;
                options.WindowScale = body[0];
                return true;
            case TcpOptionKind.SackPermitted:
                if (len != 2)
                    return false;
                options.SackPermitted = true;
                return true;
            case TcpOptionKind.Sack:
                if (len < 10 || (len - 2) % 8 != 0)
                    return false;
                for (int b = 0; b + 8 <= body.Length; b += 8)
                {
                    // 40 option bytes fit at most four blocks; anything beyond is ignored.
                    options.TryAddSackBlock(new SackBlock(
                        new SeqNum(BinaryPrimitives.ReadUInt32BigEndian(body[b..])),
                        new SeqNum(BinaryPrimitives.ReadUInt32BigEndian(body[(b + 4)..]))));
                }
                return true;
            case TcpOptionKind.Timestamps:
                if (len != 10)
                    return false;
                options.HasTimestamps = true;
                options.TsVal = BinaryPrimitives.ReadUInt32BigEndian(body);
                options.TsEcr = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                return true;
            default:
                return true;
        }
    }

    public readonly bool Equals(TcpOptions other)
    {
        if (HasMss != other.HasMss || (HasMss && Mss != other.Mss))
            return false;
        if (HasWindowScale != other.HasWindowScale || (HasWindowScale && WindowScale != other.WindowScale))
            return false;
        if (SackPermitted != other.SackPermitted)
            return false;
        if (HasTimestamps != other.HasTimestamps || (HasTimestamps && (TsVal != other.TsVal || TsEcr != other.TsEcr)))
            return false;
        if (_sackBlockCount != other._sackBlockCount)
            return false;
        for (int i = 0; i < _sackBlockCount; i++)
        {
            if (GetSackBlock(i) != other.GetSackBlock(i))
                return false;
        }
        return true;
    }

    public override readonly bool Equals(object? obj) => obj is TcpOptions o && Equals(o);

    public override readonly int GetHashCode()
        => HashCode.Combine(HasMss ? Mss : -1, HasWindowScale ? WindowScale : -1, SackPermitted,
            HasTimestamps ? HashCode.Combine(TsVal, TsEcr) : -1, _sackBlockCount);

    public static bool operator ==(TcpOptions a, TcpOptions b) => a.Equals(b);

    public static bool operator !=(TcpOptions a, TcpOptions b) => !a.Equals(b);

    public override readonly string ToString()
    {
        var sb = new System.Text.StringBuilder();
        if (HasMss)
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"mss {Mss},");
        if (SackPermitted)
            sb.Append("sackOK,");
        if (HasTimestamps)
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"TS val {TsVal} ecr {TsEcr},");
        if (HasWindowScale)
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"wscale {WindowScale},");
        if (_sackBlockCount > 0)
        {
            sb.Append("sack");
            for (int i = 0; i < _sackBlockCount; i++)
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $" {{{GetSackBlock(i).Left}:{GetSackBlock(i).Right}}}");
            sb.Append(',');
        }
        if (sb.Length > 0)
            sb.Length--;
        return sb.ToString();
    }
}
