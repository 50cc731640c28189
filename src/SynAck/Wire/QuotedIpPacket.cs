using System.Buffers.Binary;

namespace SynAck.Wire;

/// <summary>
/// What an ICMP error message quotes of the packet that caused it: the original IP header and
/// at least the first 8 bytes of its payload (RFC 792; RFC 4443 §2.4(c) quotes more) — enough
/// for the ports and, for TCP, the sequence number (RFC 5927 uses it to check the error is plausible).
/// </summary>
public readonly struct QuotedIpPacket
{
    private QuotedIpPacket(int version, IpAddress source, IpAddress destination, IpProtocol protocol,
        bool hasPorts, ushort sourcePort, ushort destinationPort, bool hasSeq, SeqNum seq)
    {
        Version = version;
        Source = source;
        Destination = destination;
        Protocol = protocol;
        HasPorts = hasPorts;
        SourcePort = sourcePort;
        DestinationPort = destinationPort;
        HasSeq = hasSeq;
        Seq = seq;
    }

    /// <summary>4 or 6.</summary>
    public int Version { get; }

    /// <summary>Source of the original packet (this host, when it sent the packet that failed).</summary>
    public IpAddress Source { get; }

    public IpAddress Destination { get; }

    /// <summary>The original packet's upper-layer protocol (for IPv6, after the extension headers quoted).</summary>
    public IpProtocol Protocol { get; }

    /// <summary>True when the quote reaches the TCP or UDP ports.</summary>
    public bool HasPorts { get; }

    public ushort SourcePort { get; }

    public ushort DestinationPort { get; }

    /// <summary>True when the quote is TCP and reaches its sequence number.</summary>
    public bool HasSeq { get; }

    public SeqNum Seq { get; }

    /// <summary>
    /// Reads a quoted packet leniently: lengths and checksums of the quote are not checked, because
    /// the quote is cut short by design. Returns false when not even the IP header is there.
    /// </summary>
    internal static bool TryParse(ReadOnlySpan<byte> quote, out QuotedIpPacket quoted)
    {
        quoted = default;
        if (quote.IsEmpty)
            return false;
        int version = quote[0] >> 4;
        IpAddress src, dst;
        IpProtocol protocol;
        int offset;
        bool laterFragment = false;
        if (version == 4)
        {
            if (quote.Length < Ipv4Packet.MinHeaderLength)
                return false;
            offset = (quote[0] & 0x0F) * 4;
            if (offset < Ipv4Packet.MinHeaderLength || offset > quote.Length)
                return false;
            src = IpAddress.V4(BinaryPrimitives.ReadUInt32BigEndian(quote[12..]));
            dst = IpAddress.V4(BinaryPrimitives.ReadUInt32BigEndian(quote[16..]));
            protocol = (IpProtocol)quote[9];
            laterFragment = (BinaryPrimitives.ReadUInt16BigEndian(quote[6..]) & 0x1FFF) != 0;
        }
        else if (version == 6)
        {
            if (quote.Length < Ipv6Packet.FixedHeaderLength)
                return false;
            src = IpAddress.V6(quote[8..]);
            dst = IpAddress.V6(quote[24..]);
            protocol = (IpProtocol)quote[6];
            offset = Ipv6Packet.FixedHeaderLength;
            // Walk what extension headers the quote holds; stop quietly where it ends.
            while (protocol is IpProtocol.HopByHop or IpProtocol.Routing or IpProtocol.DestinationOptions
                or IpProtocol.Fragment or IpProtocol.Ah && offset + 8 <= quote.Length)
            {
                int length = protocol switch
                {
                    IpProtocol.Fragment => 8,
                    IpProtocol.Ah => (quote[offset + 1] + 2) * 4,
                    _ => (quote[offset + 1] + 1) * 8,
                };
                if (protocol == IpProtocol.Fragment)
                    laterFragment = (BinaryPrimitives.ReadUInt16BigEndian(quote[(offset + 2)..]) & 0xFFF8) != 0;
                protocol = (IpProtocol)quote[offset];
                offset += length;
                if (laterFragment || offset > quote.Length)
                    break;
            }
        }
        else
        {
            return false;
        }

        var upper = offset <= quote.Length ? quote[offset..] : [];
        bool hasPorts = !laterFragment && upper.Length >= 4 && protocol is IpProtocol.Tcp or IpProtocol.Udp;
        bool hasSeq = hasPorts && protocol == IpProtocol.Tcp && upper.Length >= 8;
        quoted = new QuotedIpPacket(version, src, dst, protocol, hasPorts,
            hasPorts ? BinaryPrimitives.ReadUInt16BigEndian(upper) : (ushort)0,
            hasPorts ? BinaryPrimitives.ReadUInt16BigEndian(upper[2..]) : (ushort)0,
            hasSeq, hasSeq ? new SeqNum(BinaryPrimitives.ReadUInt32BigEndian(upper[4..])) : default);
        return true;
    }

    public override string ToString()
        => HasPorts ? $"{Protocol} {Source}:{SourcePort} > {Destination}:{DestinationPort}" : $"{Protocol} {Source} > {Destination}";
}
