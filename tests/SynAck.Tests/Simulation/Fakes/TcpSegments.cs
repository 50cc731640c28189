using SynAck.Wire;

namespace SynAck.Tests.Simulation.Fakes;

/// <summary>Whole IP + TCP packets built with the Wire API, for simulator tests that match on TCP fields.</summary>
internal static class TcpSegments
{
    public static byte[] Build(IpAddress src, IpAddress dst, TcpFlags flags, uint seq = 1000, uint ack = 0, int payloadLength = 0, ushort srcPort = 40000, ushort dstPort = 80)
    {
        var h = new TcpHeaderFields
        {
            SourcePort = srcPort,
            DestinationPort = dstPort,
            Seq = new SeqNum(seq),
            Ack = new SeqNum(ack),
            Flags = flags,
            Window = 65535,
        };
        var payload = new byte[payloadLength];
        for (int i = 0; i < payload.Length; i++)
            payload[i] = (byte)(seq + i);
        var buffer = new byte[IpPacket.TcpPacketLength(src, h.Options, payloadLength)];
        int n = IpPacket.WriteTcp(buffer, src, dst, h, payload);
        return buffer[..n];
    }

    /// <summary>Parses with checksums verified; returns the status of the first layer that fails.</summary>
    public static WireStatus Check(ReadOnlySpan<byte> packet)
    {
        var status = IpPacket.TryParse(packet, out var ip);
        if (status != WireStatus.Ok)
            return status;
        return ip.TryGetTcp(out _);
    }

    public static TcpFlags FlagsOf(ReadOnlySpan<byte> packet)
    {
        IpPacket.TryParse(packet, out var ip);
        ip.TryGetTcp(out var tcp, verifyChecksum: false);
        return tcp.Flags;
    }
}
