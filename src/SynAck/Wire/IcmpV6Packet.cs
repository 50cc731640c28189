using System.Buffers.Binary;

namespace SynAck.Wire;

/// <summary>
/// A read-only view of an ICMPv6 message (RFC 4443) — the upper-layer payload of an IPv6 packet —
/// and writers for echo, destination unreachable and packet too big (RFC 8201 path MTU discovery).
/// </summary>
public readonly ref struct IcmpV6Packet
{
    /// <summary>Type, code, checksum and the 4-byte message body start.</summary>
    public const int HeaderLength = 8;

    /// <summary>RFC 4443 §2.4(c): an error quotes as much of the invoking packet as fits in the IPv6 minimum MTU.</summary>
    public const int MaxQuoteLength = 1280 - Ipv6Packet.FixedHeaderLength - HeaderLength;

    public const byte CodeNoRoute = 0;
    public const byte CodeAdministrativelyProhibited = 1;
    public const byte CodeAddressUnreachable = 3;
    public const byte CodePortUnreachable = 4;

    private readonly ReadOnlySpan<byte> _message;

    private IcmpV6Packet(ReadOnlySpan<byte> message, bool hasQuoted, QuotedIpPacket quoted)
    {
        _message = message;
        HasQuoted = hasQuoted;
        Quoted = quoted;
    }

    /// <summary>
    /// Parses an ICMPv6 message; the checksum covers the IPv6 pseudo-header of <paramref name="src"/>
    /// and <paramref name="dst"/> (RFC 4443 §2.3).
    /// </summary>
    public static WireStatus TryParse(ReadOnlySpan<byte> message, IpAddress src, IpAddress dst, out IcmpV6Packet icmp,
        bool verifyChecksum = true)
    {
        icmp = default;
        if (message.Length < HeaderLength)
            return WireStatus.Truncated;
        if (verifyChecksum)
        {
            uint pseudo = SynAck.Wire.Checksum.PseudoHeaderSum(src, dst, IpProtocol.IcmpV6, message.Length);
            if (SynAck.Wire.Checksum.Compute(message, pseudo) != 0)
                return WireStatus.BadChecksum;
        }
        bool hasQuoted = IsErrorType(message[0]) & QuotedIpPacket.TryParse(message[HeaderLength..], out var quoted);
        icmp = new IcmpV6Packet(message, hasQuoted, quoted);
        return WireStatus.Ok;
    }

    public IcmpV6Type Type => (IcmpV6Type)_message[0];

    public byte Code => _message[1];

    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_message[2..]);

    /// <summary>Echo identifier (RFC 4443 §4.1).</summary>
    public ushort Identifier => BinaryPrimitives.ReadUInt16BigEndian(_message[4..]);

    /// <summary>Echo sequence number (RFC 4443 §4.1).</summary>
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_message[6..]);

    /// <summary>The MTU of a packet too big message (RFC 4443 §3.2), else 0.</summary>
    public int Mtu => Type == IcmpV6Type.PacketTooBig
        ? (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(_message[4..]), int.MaxValue)
        : 0;

    /// <summary>Error messages have types 0–127 (RFC 4443 §2.1).</summary>
    public bool IsError => IsErrorType((byte)Type);

    /// <summary>True when this is an error message whose quote holds at least an IP header.</summary>
    public bool HasQuoted { get; }

    /// <summary>The quoted original packet; meaningful when <see cref="HasQuoted"/>.</summary>
    public QuotedIpPacket Quoted { get; }

    /// <summary>Bytes after the 8-byte header: echo data, or the quoted packet of an error.</summary>
    public ReadOnlySpan<byte> Data => _message[HeaderLength..];

    public ReadOnlySpan<byte> Message => _message;

    /// <summary>Writes an echo request or reply (RFC 4443 §4); returns the message length.</summary>
    public static int WriteEcho(Span<byte> dest, IpAddress src, IpAddress dst, bool reply, ushort identifier,
        ushort sequenceNumber, ReadOnlySpan<byte> data)
        => Write(dest, src, dst, reply ? IcmpV6Type.EchoReply : IcmpV6Type.EchoRequest, 0,
            (uint)identifier << 16 | sequenceNumber, data);

    /// <summary>Writes destination unreachable (RFC 4443 §3.1) quoting as much of <paramref name="originalPacket"/> as fits.</summary>
    public static int WriteDestinationUnreachable(Span<byte> dest, IpAddress src, IpAddress dst, byte code,
        ReadOnlySpan<byte> originalPacket)
        => Write(dest, src, dst, IcmpV6Type.DestinationUnreachable, code, 0, Quote(originalPacket));

    /// <summary>Writes packet too big (RFC 4443 §3.2) with the link <paramref name="mtu"/>.</summary>
    public static int WritePacketTooBig(Span<byte> dest, IpAddress src, IpAddress dst, uint mtu, ReadOnlySpan<byte> originalPacket)
        => Write(dest, src, dst, IcmpV6Type.PacketTooBig, 0, mtu, Quote(originalPacket));

    /// <summary>Writes time exceeded (RFC 4443 §3.3; code 1: fragment reassembly time exceeded) quoting <paramref name="originalPacket"/>.</summary>
    public static int WriteTimeExceeded(Span<byte> dest, IpAddress src, IpAddress dst, byte code, ReadOnlySpan<byte> originalPacket)
        => Write(dest, src, dst, IcmpV6Type.TimeExceeded, code, 0, Quote(originalPacket));

    /// <summary>
    /// Writes parameter problem (RFC 4443 §3.4) with the byte offset <paramref name="pointer"/> of the offending field
    /// in <paramref name="originalPacket"/> (code 1: unrecognized Next Header type).
    /// </summary>
    public static int WriteParameterProblem(Span<byte> dest, IpAddress src, IpAddress dst, byte code, uint pointer,
        ReadOnlySpan<byte> originalPacket)
        => Write(dest, src, dst, IcmpV6Type.ParameterProblem, code, pointer, Quote(originalPacket));

    /// <summary>Bytes an error message quoting <paramref name="originalPacket"/> takes: the header and as much of it as fits (RFC 4443 §2.4(c)).</summary>
    public static int ErrorLength(ReadOnlySpan<byte> originalPacket) => HeaderLength + Quote(originalPacket).Length;

    private static ReadOnlySpan<byte> Quote(ReadOnlySpan<byte> original) => original[..Math.Min(original.Length, MaxQuoteLength)];

    private static int Write(Span<byte> dest, IpAddress src, IpAddress dst, IcmpV6Type type, byte code, uint rest,
        ReadOnlySpan<byte> data)
    {
        int total = HeaderLength + data.Length;
        if (dest.Length < total)
            throw new ArgumentException($"destination holds {dest.Length} bytes; the message needs {total}", nameof(dest));
        dest[0] = (byte)type;
        dest[1] = code;
        dest[2] = 0;
        dest[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(dest[4..], rest);
        data.CopyTo(dest[HeaderLength..]);
        uint pseudo = SynAck.Wire.Checksum.PseudoHeaderSum(src, dst, IpProtocol.IcmpV6, total);
        BinaryPrimitives.WriteUInt16BigEndian(dest[2..], SynAck.Wire.Checksum.Compute(dest[..total], pseudo));
        return total;
    }

    private static bool IsErrorType(byte type) => type < 128;
}
