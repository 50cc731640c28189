using System.Buffers.Binary;

namespace SynAck.Wire;

/// <summary>
/// A read-only view of an ICMPv4 message (RFC 792) — the IPv4 payload — and writers for echo and
/// destination unreachable, including fragmentation needed with the next-hop MTU (RFC 1191 §4).
/// </summary>
public readonly ref struct IcmpV4Packet
{
    /// <summary>Type, code, checksum and the 4-byte rest-of-header.</summary>
    public const int HeaderLength = 8;

    public const byte CodeNetUnreachable = 0;
    public const byte CodeHostUnreachable = 1;
    public const byte CodeProtocolUnreachable = 2;
    public const byte CodePortUnreachable = 3;

    /// <summary>Destination unreachable code 4: fragmentation needed and DF set (RFC 792, RFC 1191).</summary>
    public const byte CodeFragmentationNeeded = 4;

    private readonly ReadOnlySpan<byte> _message;

    private IcmpV4Packet(ReadOnlySpan<byte> message, bool hasQuoted, QuotedIpPacket quoted)
    {
        _message = message;
        HasQuoted = hasQuoted;
        Quoted = quoted;
    }

    /// <summary>Parses an ICMPv4 message, verifying its checksum (over the whole message, RFC 792) unless told not to.</summary>
    public static WireStatus TryParse(ReadOnlySpan<byte> message, out IcmpV4Packet icmp, bool verifyChecksum = true)
    {
        icmp = default;
        if (message.Length < HeaderLength)
            return WireStatus.Truncated;
        if (verifyChecksum && SynAck.Wire.Checksum.Compute(message) != 0)
            return WireStatus.BadChecksum;
        bool hasQuoted = IsErrorType((IcmpV4Type)message[0])
            & QuotedIpPacket.TryParse(message[HeaderLength..], out var quoted);
        icmp = new IcmpV4Packet(message, hasQuoted, quoted);
        return WireStatus.Ok;
    }

    public IcmpV4Type Type => (IcmpV4Type)_message[0];

    public byte Code => _message[1];

    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_message[2..]);

    /// <summary>Echo identifier (bytes 4–5 of an echo request or reply).</summary>
    public ushort Identifier => BinaryPrimitives.ReadUInt16BigEndian(_message[4..]);

    /// <summary>Echo sequence number (bytes 6–7 of an echo request or reply).</summary>
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_message[6..]);

    /// <summary>True for fragmentation needed (type 3, code 4).</summary>
    public bool IsFragmentationNeeded => Type == IcmpV4Type.DestinationUnreachable && Code == CodeFragmentationNeeded;

    /// <summary>The next-hop MTU of a fragmentation-needed message (RFC 1191 §4), else 0.</summary>
    public int Mtu => IsFragmentationNeeded ? BinaryPrimitives.ReadUInt16BigEndian(_message[6..]) : 0;

    /// <summary>True for error messages (unreachable, source quench, redirect, time exceeded, parameter problem).</summary>
    public bool IsError => IsErrorType(Type);

    /// <summary>True when this is an error message whose quote holds at least an IP header.</summary>
    public bool HasQuoted { get; }

    /// <summary>The quoted original packet; meaningful when <see cref="HasQuoted"/>.</summary>
    public QuotedIpPacket Quoted { get; }

    /// <summary>Bytes after the 8-byte header: echo data, or the quoted packet of an error.</summary>
    public ReadOnlySpan<byte> Data => _message[HeaderLength..];

    public ReadOnlySpan<byte> Message => _message;

    /// <summary>Writes an echo request or reply (RFC 792) with <paramref name="data"/>; returns the message length.</summary>
    public static int WriteEcho(Span<byte> dest, bool reply, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> data)
    {
        uint rest = (uint)identifier << 16 | sequenceNumber;
        return Write(dest, reply ? IcmpV4Type.EchoReply : IcmpV4Type.EchoRequest, 0, rest, data);
    }

    /// <summary>
    /// Writes a destination unreachable message quoting <paramref name="originalPacket"/> (its IP header and as much of
    /// its payload as <see cref="MaxQuoteLength"/> allows; RFC 792 requires the first 8 bytes); returns the message length.
    /// </summary>
    public static int WriteDestinationUnreachable(Span<byte> dest, byte code, ReadOnlySpan<byte> originalPacket)
        => Write(dest, IcmpV4Type.DestinationUnreachable, code, 0, Quote(originalPacket));

    /// <summary>Writes fragmentation needed (type 3 code 4) carrying the next-hop <paramref name="mtu"/> (RFC 1191 §4).</summary>
    public static int WriteFragmentationNeeded(Span<byte> dest, ushort mtu, ReadOnlySpan<byte> originalPacket)
        => Write(dest, IcmpV4Type.DestinationUnreachable, CodeFragmentationNeeded, mtu, Quote(originalPacket));

    /// <summary>Writes time exceeded (type 11; code 1: fragment reassembly time exceeded, RFC 792) quoting <paramref name="originalPacket"/>.</summary>
    public static int WriteTimeExceeded(Span<byte> dest, byte code, ReadOnlySpan<byte> originalPacket)
        => Write(dest, IcmpV4Type.TimeExceeded, code, 0, Quote(originalPacket));

    /// <summary>Bytes an error message quoting <paramref name="originalPacket"/> takes: the header and the quote (at most <see cref="MaxQuoteLength"/>).</summary>
    public static int ErrorLength(ReadOnlySpan<byte> originalPacket) => HeaderLength + Quote(originalPacket).Length;

    /// <summary>
    /// The most of the original datagram an error quotes: RFC 1122 §3.2.2 asks for the IP header and at least 8 data
    /// bytes; like Linux and RFC 1812 §4.3.2.3 we quote as much as keeps the whole ICMP datagram within 576 bytes, the
    /// size every IPv4 host must accept (RFC 791), so the sender learns the most it can about what was refused.
    /// </summary>
    public const int MaxQuoteLength = 576 - Ipv4Packet.MinHeaderLength - HeaderLength;

    private static ReadOnlySpan<byte> Quote(ReadOnlySpan<byte> original) => original[..Math.Min(original.Length, MaxQuoteLength)];

    private static int Write(Span<byte> dest, IcmpV4Type type, byte code, uint rest, ReadOnlySpan<byte> data)
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
        BinaryPrimitives.WriteUInt16BigEndian(dest[2..], SynAck.Wire.Checksum.Compute(dest[..total]));
        return total;
    }

    private static bool IsErrorType(IcmpV4Type type)
        => type is IcmpV4Type.DestinationUnreachable or IcmpV4Type.SourceQuench or IcmpV4Type.Redirect
            or IcmpV4Type.TimeExceeded or IcmpV4Type.ParameterProblem;
}
