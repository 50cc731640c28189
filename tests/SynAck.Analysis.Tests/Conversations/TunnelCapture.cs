using SynAck.Analysis.Conversations;
using SynAck.Capture;
using SynAck.Wire;

namespace SynAck.Analysis.Tests.Conversations;

/// <summary>
/// Builds Ethernet pcap files whose TCP segments (always 10.0.0.1:40000 ⇄ 10.0.0.2:80) ride encapsulations
/// built byte by byte: VLAN tags, MPLS labels, IP in IP, GRE, VXLAN and GTP-U with chosen ids and outer addresses.
/// </summary>
internal sealed class TunnelCapture
{
    public static readonly IpAddress Client = IpAddress.V4(10, 0, 0, 1);
    public static readonly IpAddress Server = IpAddress.V4(10, 0, 0, 2);
    private static readonly byte[] Macs = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];

    private readonly MemoryStream _stream = new();
    private readonly PcapWriter _writer;
    private double _ms;

    public TunnelCapture() => _writer = new PcapWriter(_stream, LinkType.Ethernet, nanosecond: true, leaveOpen: true);

    /// <summary>One segment of the client's connection, wrapped by <paramref name="wrap"/> (given the IP packet, returns the Ethernet frame).</summary>
    public TunnelCapture Add(bool fromClient, TcpFlags flags, uint seq, uint ack, Func<byte[], byte[]> wrap, int length = 0)
    {
        var h = new TcpHeaderFields
        {
            SourcePort = fromClient ? (ushort)40000 : (ushort)80,
            DestinationPort = fromClient ? (ushort)80 : (ushort)40000,
            Seq = new SeqNum(seq),
            Ack = new SeqNum(ack),
            Flags = flags,
            Window = 1000,
        };
        var buffer = new byte[200];
        int n = fromClient ? IpPacket.WriteTcp(buffer, Client, Server, h, new byte[length]) : IpPacket.WriteTcp(buffer, Server, Client, h, new byte[length]);
        _ms += 1;
        _writer.WritePacket(1_700_000_000_000_000_000L + (long)(_ms * 1_000_000), wrap(buffer[..n]));
        return this;
    }

    /// <summary>SYN, SYN-ACK, ACK (ISNs 1000 and 5000), each direction with its own wrapping.</summary>
    public TunnelCapture Handshake(Func<byte[], byte[]> there, Func<byte[], byte[]> back)
        => Add(true, TcpFlags.Syn, 1000, 0, there).Add(false, TcpFlags.Syn | TcpFlags.Ack, 5000, 1001, back).Add(true, TcpFlags.Ack, 1001, 5001, there);

    public string Save()
    {
        _writer.Flush();
        var path = Path.Combine(Path.GetTempPath(), "synack-tunnel-" + Guid.NewGuid().ToString("N")[..8] + ".pcap");
        File.WriteAllBytes(path, _stream.ToArray());
        return path;
    }

    public CaptureAnalysis Analyze()
    {
        _writer.Flush();
        return CaptureAnalysis.Analyze(new MemoryStream(_stream.ToArray()));
    }

    private static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] Ether(ushort type, byte[] payload) => Cat(Macs, [(byte)(type >> 8), (byte)type], payload);

    public static byte[] Plain(byte[] ip) => Ether(0x0800, ip);

    public static byte[] Vlan(ushort id, byte[] ip) => Ether(0x8100, Cat([(byte)(id >> 8), (byte)id, 0x08, 0x00], ip));

    /// <summary>One MPLS label at the bottom of the stack (TTL 64).</summary>
    public static byte[] Mpls(uint label, byte[] ip) => Ether(0x8847, Cat([(byte)(label >> 12), (byte)(label >> 4), (byte)(label << 4 | 1), 64], ip));

    public static byte[] Ipv4(IpAddress src, IpAddress dst, byte protocol, byte[] payload)
    {
        var header = new byte[20];
        Ipv4Packet.WriteHeader(header, new Ipv4HeaderFields { Source = src, Destination = dst, Protocol = (IpProtocol)protocol, Ttl = 64 }, payload.Length);
        return Cat(header, payload);
    }

    private static byte[] Udp(ushort port, byte[] payload)
        => Cat([0xC3, 0x50, (byte)(port >> 8), (byte)port, (byte)((payload.Length + 8) >> 8), (byte)(payload.Length + 8), 0, 0], payload);

    public static byte[] IpInIp(IpAddress src, IpAddress dst, byte[] ip) => Plain(Ipv4(src, dst, 4, ip));

    /// <summary>GRE with a key (RFC 2890).</summary>
    public static byte[] Gre(IpAddress src, IpAddress dst, uint key, byte[] ip)
        => Plain(Ipv4(src, dst, 47, Cat([0x20, 0x00, 0x08, 0x00, (byte)(key >> 24), (byte)(key >> 16), (byte)(key >> 8), (byte)key], ip)));

    public static byte[] Vxlan(IpAddress src, IpAddress dst, uint vni, byte[] ip)
        => Plain(Ipv4(src, dst, 17, Udp(4789, Cat([0x08, 0, 0, 0, (byte)(vni >> 16), (byte)(vni >> 8), (byte)vni, 0], Plain(ip)))));

    public static byte[] GtpU(IpAddress src, IpAddress dst, uint teid, byte[] ip)
        => Plain(Ipv4(src, dst, 17, Udp(2152, Cat([0x30, 0xFF, (byte)(ip.Length >> 8), (byte)ip.Length, (byte)(teid >> 24), (byte)(teid >> 16), (byte)(teid >> 8), (byte)teid], ip))));
}
