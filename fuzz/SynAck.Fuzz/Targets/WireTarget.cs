using SynAck.Wire;

namespace SynAck.Fuzz.Targets;

/// <summary>
/// The packet parsers on arbitrary bytes: IPv4/IPv6 (extension headers, fragments), TCP with options, ICMPv4/v6 with
/// the quoted packet. None may throw; a TCP segment that parses must write back to the same fields and parse again.
/// </summary>
internal static class WireTarget
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        if (IpPacket.TryParse(data, out var ip) != WireStatus.Ok)
            return;
        _ = ip.Source.ToString();
        _ = ip.Payload.Length + ip.Ttl + (ip.IsFragment ? 1 : 0);
        switch (ip.Protocol)
        {
            case IpProtocol.Tcp:
                Tcp(ip);
                break;
            case IpProtocol.Icmp:
                if (IcmpV4Packet.TryParse(ip.Payload, out var v4, verifyChecksum: false) == WireStatus.Ok && v4.HasQuoted)
                    Quoted(v4.Quoted);
                break;
            case IpProtocol.IcmpV6:
                if (IcmpV6Packet.TryParse(ip.Payload, ip.Source, ip.Destination, out var v6, verifyChecksum: false) == WireStatus.Ok && v6.HasQuoted)
                    Quoted(v6.Quoted);
                break;
        }
    }

    private static void Quoted(QuotedIpPacket quoted) => _ = quoted.Source.ToString() + quoted.Destination + (quoted.HasPorts ? quoted.SourcePort + quoted.DestinationPort : 0) + (quoted.HasSeq ? quoted.Seq.Value : 0);

    private static void Tcp(IpPacket ip)
    {
        if (ip.TryGetTcp(out var tcp, verifyChecksum: false) != WireStatus.Ok)
            return;
        var fields = tcp.Fields;
        for (int i = 0; i < fields.Options.SackBlockCount; i++)
            _ = fields.Options.GetSackBlock(i);
        if (fields.Options.EncodedLength > TcpOptions.MaxLength)
            return;
        // What SynAck understood of the header must survive its own writer (RFC 9293 §3.1 layout, RFC 7323/2018 options).
        var buffer = new byte[IpPacket.TcpPacketLength(ip.Source, fields.Options, tcp.Payload.Length)];
        IpPacket.WriteTcp(buffer, ip.Source, ip.Destination, fields, tcp.Payload);
        if (IpPacket.TryParse(buffer, out var again) != WireStatus.Ok || again.TryGetTcp(out var tcp2) != WireStatus.Ok)
            throw new InvalidOperationException("a segment SynAck wrote does not parse");
        if (tcp2.Fields != fields || !tcp2.Payload.SequenceEqual(tcp.Payload))
            throw new InvalidOperationException($"round trip changed the segment: {fields} became {tcp2.Fields}");
    }
}
