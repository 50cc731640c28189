using System.Security.Cryptography;
using System.Text;

namespace SynAck.Tests.Sockets;

/// <summary>The connected-stream behaviours .NET code relies on (after dotnet/runtime's ConnectedStreamConformanceTests).</summary>
public sealed class ConnectedStreamTests
{
    private static CancellationToken Ct => HostPair.Ct;

    [Fact]
    public async Task BytesWrittenOnOneSideAreReadOnTheOther()
    {
        await using var pair = new HostPair();
        var (client, server) = await pair.ConnectAsync();
        await client.WriteAsync("hello"u8.ToArray(), Ct).Within();
        var buffer = new byte[16];
        int n = await server.ReadAsync(buffer, Ct).Within();
        Assert.Equal("hello", Encoding.ASCII.GetString(buffer, 0, n));
        Assert.Equal(pair.Server.Address.ToIPAddress(), client.RemoteEndPoint.Address);
        Assert.Equal(client.LocalEndPoint, server.RemoteEndPoint);
    }

    [Fact]
    public async Task ZeroByteReadWaitsForDataAndConsumesNothing()
    {
        await using var pair = new HostPair();
        var (client, server) = await pair.ConnectAsync();
        var zero = server.ReadAsync(Memory<byte>.Empty, Ct).AsTask();
        // Give the loop its chance to (wrongly) complete the read: an exchange on the other connection direction.
        await server.WriteAsync(new byte[] { 1 }, Ct).Within();
        Assert.Equal(1, await client.ReadAsync(new byte[4], Ct).Within());
        Assert.False(zero.IsCompleted, "a zero-byte read completed with no data available");

        await client.WriteAsync(new byte[] { 42 }, Ct).Within();
        Assert.Equal(0, await zero.Within());
        var buffer = new byte[4];
        Assert.Equal(1, await server.ReadAsync(buffer, Ct).Within());
        Assert.Equal(42, buffer[0]);
    }

    [Fact]
    public async Task ZeroByteReadAtEndOfStreamReturnsZero()
    {
        await using var pair = new HostPair();
        var (client, server) = await pair.ConnectAsync();
        client.CompleteWrites();
        Assert.Equal(0, await server.ReadAsync(Memory<byte>.Empty, Ct).Within());
        Assert.Equal(0, await server.ReadAsync(new byte[8], Ct).Within());
    }

    [Fact]
    public async Task ReadAfterPeerFinReturnsZeroEveryTimeAndReadsClosedCompletes()
    {
        await using var pair = new HostPair();
        var (client, server) = await pair.ConnectAsync();
        await client.WriteAsync(new byte[] { 1, 2, 3 }, Ct).Within();
        client.CompleteWrites();
        var got = await Bounded.ReadToEndAsync(server);
        Assert.Equal([1, 2, 3], got);
        Assert.Equal(0, await server.ReadAsync(new byte[8], Ct).Within());
        Assert.Equal(0, await server.ReadAsync(new byte[8], Ct).Within());
        await server.ReadsClosed.Within();
        Assert.True(server.ReadsClosed.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task WriteAfterCompleteWritesThrowsAndTheOtherDirectionStillWorks()
    {
        await using var pair = new HostPair();
        var (client, server) = await pair.ConnectAsync();
        client.CompleteWrites();
        Assert.False(client.CanWrite);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await client.WriteAsync(new byte[1], Ct));
        Assert.Equal(0, await server.ReadAsync(new byte[8], Ct).Within());

        // Half-close: the side that sent FIN still receives everything.
        var data = RandomNumberGenerator.GetBytes(300_000);
        var write = Task.Run(async () =>
        {
            await server.WriteAsync(data, Ct);
            server.CompleteWrites();
        }, Ct);
        var got = await Bounded.ReadToEndAsync(client);
        await write.Within();
        Assert.Equal(data, got);
        await client.WritesClosed.Within();
        await server.WritesClosed.Within();
    }

    [Fact]
    public async Task ConcurrentReadAndWriteInBothDirections()
    {
        await using var pair = new HostPair();
        var (client, server) = await pair.ConnectAsync();
        var a = RandomNumberGenerator.GetBytes(2_000_000);
        var b = RandomNumberGenerator.GetBytes(1_500_000);

        async Task Send(Stream s, byte[] data)
        {
            for (int i = 0; i < data.Length; i += 10_000)
                await s.WriteAsync(data.AsMemory(i, Math.Min(10_000, data.Length - i)), Ct);
            ((SynAck.Sockets.SynAckConnection)s).CompleteWrites();
        }

        var sendA = Send(client, a);
        var sendB = Send(server, b);
        var readA = Bounded.ReadToEndAsync(server);
        var readB = Bounded.ReadToEndAsync(client);
        await Task.WhenAll(sendA, sendB, readA, readB).Within();
        Assert.Equal(a, await readA);
        Assert.Equal(b, await readB);
    }

    [Fact]
    public async Task LargeTransferArrivesByteExact()
    {
        await using var pair = new HostPair();
        var (client, server) = await pair.ConnectAsync();
        const int size = 16 * 1024 * 1024;
        var data = new byte[size];
        new Random(7).NextBytes(data);
        var expected = SHA256.HashData(data);

        var send = Task.Run(async () =>
        {
            for (int i = 0; i < size; i += 65536)
                await client.WriteAsync(data.AsMemory(i, 65536), Ct);
            client.CompleteWrites();
        }, Ct);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[65536];
        long total = 0;
        int n;
        while ((n = await server.ReadAsync(buffer, Ct).Within()) > 0)
        {
            sha.AppendData(buffer, 0, n);
            total += n;
        }
        await send.Within();
        Assert.Equal(size, total);
        Assert.Equal(expected, sha.GetHashAndReset());
        Assert.Equal(size, client.BytesWritten);
        Assert.Equal(size, server.BytesRead);
    }

    [Fact]
    public async Task SecondConcurrentReadIsRefused()
    {
        await using var pair = new HostPair();
        var (_, server) = await pair.ConnectAsync();
        var first = server.ReadAsync(new byte[8], Ct);
        Assert.Throws<InvalidOperationException>(() => { _ = server.ReadAsync(new byte[8], Ct); });
        server.Abort();
        await Assert.ThrowsAnyAsync<Exception>(async () => await first.Within());
    }

    [Fact]
    public async Task SyncReadAndWriteWork()
    {
        await using var pair = new HostPair();
        var (client, server) = await pair.ConnectAsync();
        await Task.Run(() => client.Write([9, 8, 7], 0, 3), Ct).Within();
        var buffer = new byte[3];
        int n = await Task.Run(() => server.Read(buffer, 0, 3), Ct).Within();
        Assert.Equal(3, n);
        Assert.Equal([9, 8, 7], buffer);
        Assert.False(server.CanSeek);
        Assert.Throws<NotSupportedException>(() => server.Length);
    }
}
