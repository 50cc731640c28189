using System.Security.Cryptography;
using SynAck.Sockets;

namespace SynAck.Interop.Tests.Sockets;

/// <summary>What SynAck's side of a transfer did.</summary>
internal sealed record TransferResult(long Received, string ShaReceived, string ShaSent);

/// <summary>SynAck's side of a transfer against a <see cref="KernelPeer"/>.</summary>
internal static class SynAckSide
{
    /// <summary>
    /// Sends <paramref name="sendBytes"/> pseudo-random bytes while reading. With <paramref name="readExactly"/> it
    /// reads that many bytes and then closes first (its FIN before the kernel's); otherwise it reads to the kernel's
    /// FIN and closes after it. With <paramref name="completeWritesFirst"/> it half-closes before anything else.
    /// </summary>
    public static async Task<TransferResult> RunAsync(SynAckConnection c, long sendBytes, long? readExactly = null, bool completeWritesFirst = false)
    {
        var ct = TestContext.Current.CancellationToken;
        using var sentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var receivedHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (completeWritesFirst)
            c.CompleteWrites();
        var send = Task.Run(async () =>
        {
            var random = new Random(12345);
            var chunk = new byte[64 * 1024];
            for (long left = sendBytes; left > 0;)
            {
                int n = (int)Math.Min(left, chunk.Length);
                random.NextBytes(chunk.AsSpan(0, n));
                sentHash.AppendData(chunk, 0, n);
                await c.WriteAsync(chunk.AsMemory(0, n), ct);
                left -= n;
            }
        }, ct);

        var buffer = new byte[64 * 1024];
        long received = 0;
        while (readExactly is not { } limit || received < limit)
        {
            int want = readExactly is { } l ? (int)Math.Min(buffer.Length, l - received) : buffer.Length;
            int n = await c.ReadAsync(buffer.AsMemory(0, want), ct);
            if (n == 0)
                break;
            receivedHash.AppendData(buffer, 0, n);
            received += n;
        }
        await send;
        await c.DisposeAsync();
        return new TransferResult(received, Convert.ToHexStringLower(receivedHash.GetHashAndReset()), Convert.ToHexStringLower(sentHash.GetHashAndReset()));
    }
}
