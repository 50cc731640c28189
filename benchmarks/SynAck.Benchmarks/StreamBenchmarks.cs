using System.Net;
using BenchmarkDotNet.Attributes;
using SynAck.Links;
using SynAck.Sockets;
using SynAck.Wire;

namespace SynAck.Benchmarks;

/// <summary>
/// The .NET face in steady state: one 16 KiB write and the matching reads on a connected pair of
/// <see cref="SynAckConnection"/>s, each host on its own loop thread, joined in memory. MemoryDiagnoser counts the
/// whole process's allocations per operation, the loops' included.
/// </summary>
[MemoryDiagnoser]
public class StreamBenchmarks
{
    private const int Chunk = 16 * 1024;
    private readonly byte[] _out = new byte[Chunk];
    private readonly byte[] _in = new byte[Chunk];
    private MemoryLinkPair _links = null!;
    private SynAckHost _clientHost = null!;
    private SynAckHost _serverHost = null!;
    private SynAckConnection _client = null!;
    private SynAckConnection _server = null!;

    [GlobalSetup]
    public void Setup()
    {
        var clientAddress = IpAddress.V4(192, 0, 2, 1);
        var serverAddress = IpAddress.V4(192, 0, 2, 2);
        _links = new MemoryLinkPair(mtu: 65535, capacity: 1024);
        // Nagle off: a lone 16 KiB write behind an unacknowledged one would otherwise wait for the peer's delayed ACK.
        var settings = new SynAck.Tcp.TcpSettings { Nagle = false };
        _clientHost = new SynAckHost(_links.A, clientAddress, new SynAckHostOptions { Seed = 1, Settings = settings });
        _serverHost = new SynAckHost(_links.B, serverAddress, new SynAckHostOptions { Seed = 2, Settings = settings });
        var listener = _serverHost.Listen(7000);
        var accept = listener.AcceptAsync(CancellationToken.None).AsTask();
        _client = _clientHost.ConnectAsync(new IPEndPoint(serverAddress.ToIPAddress(), 7000), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _server = accept.GetAwaiter().GetResult();
        Random.Shared.NextBytes(_out);
    }

    [Benchmark(Description = "write 16 KiB + read it back")]
    public async Task<int> WriteThenRead()
    {
        await _client.WriteAsync(_out);
        int total = 0;
        while (total < Chunk)
            total += await _server.ReadAsync(_in.AsMemory(total));
        return total;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Abort();
        _server.Abort();
        _clientHost.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _serverHost.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _links.Dispose();
    }
}
