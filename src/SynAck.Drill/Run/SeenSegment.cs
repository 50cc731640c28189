using SynAck.Wire;

namespace SynAck.Drill.Run;

/// <summary>A TCP segment the stack sent, decoded, with live (not script) sequence numbers.</summary>
internal sealed record SeenSegment(long TimeNs, IpAddress Source, IpAddress Destination, ushort SourcePort, ushort DestinationPort,
    uint Seq, uint Ack, TcpFlags Flags, ushort Window, ushort Urgent, List<RawTcpOption> Options, int PayloadLength, byte Tos)
{
    /// <summary>Decodes an IPv4 or IPv6 packet carrying TCP; null (with the reason) for anything else.</summary>
    public static SeenSegment? Decode(CapturedPacket p, out string? error)
    {
        error = null;
        if (IpPacket.TryParse(p.Bytes, out var ip) != WireStatus.Ok)
        {
            error = "not an IP packet";
            return null;
        }
        if (ip.TryGetTcp(out var tcp) is var st && st != WireStatus.Ok)
        {
            error = $"not a valid TCP segment ({st})";
            return null;
        }
        byte tos = ip.Version == 4 ? p.Bytes[1] : (byte)(((p.Bytes[0] & 0x0f) << 4) | (p.Bytes[1] >> 4));
        return new SeenSegment(p.TimeNs, ip.Source, ip.Destination, tcp.SourcePort, tcp.DestinationPort, tcp.Seq.Value, tcp.Ack.Value,
            tcp.Flags, tcp.Window, tcp.UrgentPointer, RawTcpOption.Parse(tcp.OptionBytes), tcp.Payload.Length, tos);
    }
}
