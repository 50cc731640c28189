using BenchmarkDotNet.Attributes;
using SynAck.Wire;

namespace SynAck.Benchmarks;

/// <summary>
/// Parsing and writing one IPv4 + TCP packet with the options of a Linux data segment
/// (timestamps and two SACK blocks), checksums computed and verified. Must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class ParseWriteBenchmarks
{
    private static readonly IpAddress Src = IpAddress.Parse("198.18.0.1");
    private static readonly IpAddress Dst = IpAddress.Parse("198.18.0.2");

    private TcpHeaderFields _header;
    private byte[] _payload = [];
    private byte[] _packet = [];
    private byte[] _buffer = [];

    [Params(0, 1460)]
    public int PayloadLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _header = new TcpHeaderFields
        {
            SourcePort = 40000,
            DestinationPort = 443,
            Seq = new SeqNum(0xFFFF_0000),
            Ack = new SeqNum(12345),
            Flags = TcpFlags.Ack | TcpFlags.Psh,
            Window = 502,
        };
        _header.Options.HasTimestamps = true;
        _header.Options.TsVal = 1000;
        _header.Options.TsEcr = 999;
        _header.Options.AddSackBlock(new SackBlock(new SeqNum(20000), new SeqNum(21460)));
        _header.Options.AddSackBlock(new SackBlock(new SeqNum(30000), new SeqNum(31460)));
        _payload = new byte[PayloadLength];
        new Random(9293).NextBytes(_payload);
        _buffer = new byte[IpPacket.TcpPacketLength(Src, _header.Options, PayloadLength)];
        int n = IpPacket.WriteTcp(_buffer, Src, Dst, _header, _payload);
        _packet = _buffer[..n];
    }

    [Benchmark]
    public uint ParseIpv4Tcp()
    {
        if (IpPacket.TryParse(_packet, out var ip) != WireStatus.Ok || ip.TryGetTcp(out var tcp) != WireStatus.Ok)
            throw new InvalidOperationException("the benchmark packet must parse");
        return tcp.Seq.Value + tcp.Options.TsVal + (uint)tcp.Options.SackBlockCount + (uint)tcp.Payload.Length;
    }

    [Benchmark]
    public int WriteIpv4Tcp() => IpPacket.WriteTcp(_buffer, Src, Dst, _header, _payload);
}
