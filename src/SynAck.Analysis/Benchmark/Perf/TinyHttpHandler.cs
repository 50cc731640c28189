using System.Globalization;
using System.Text;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>
/// The same small HTTP/1.1 handler for both servers of <c>bench http</c>: each request head gets a fixed 13-byte page;
/// the connection stays open unless the request says <c>Connection: close</c>, and the server then closes after the
/// response (its FIN first, after which it reads to the client's end so nothing unread turns the close into a reset).
/// </summary>
internal static class TinyHttpHandler
{
    private static readonly byte[] Body = "Hello, world\n"u8.ToArray();
    private static readonly byte[] KeepAlive = Response(close: false);
    private static readonly byte[] Close = Response(close: true);

    /// <param name="stream">The connection.</param>
    /// <param name="halfClose">Sends this side's FIN (SynAck: CompleteWrites; a socket: Shutdown(Send)).</param>
    /// <param name="ct">Stops the handler.</param>
    /// <param name="halfCloseDuringWrite">
    /// The stream orders a half-close after a write still in progress (SynAck's <c>CompleteWrites</c> does), so the
    /// FIN is asked for together with the response rather than after the write's completion has come back to this
    /// thread: it then leaves right behind the response, as the kernel's does after a send that completed at once,
    /// and the server, not the client, is the side that closes first (and holds TIME-WAIT).
    /// </param>
    public static async Task ServeAsync(Stream stream, Action halfClose, CancellationToken ct, bool halfCloseDuringWrite = false)
    {
        var buffer = new byte[8192];
        int have = 0;
        while (true)
        {
            int end;
            while ((end = buffer.AsSpan(0, have).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (have == buffer.Length)
                    return;
                int n = await stream.ReadAsync(buffer.AsMemory(have), ct).ConfigureAwait(false);
                if (n == 0)
                    return;
                have += n;
            }
            bool close = WantsClose(buffer.AsSpan(0, end));
            var write = stream.WriteAsync(close ? Close : KeepAlive, ct);
            if (close && halfCloseDuringWrite)
                halfClose();
            await write.ConfigureAwait(false);
            int used = end + 4;
            buffer.AsSpan(used, have - used).CopyTo(buffer);
            have -= used;
            if (close)
            {
                if (!halfCloseDuringWrite)
                    halfClose();
                while (await stream.ReadAsync(buffer, ct).ConfigureAwait(false) > 0)
                {
                }
                return;
            }
        }
    }

    private static bool WantsClose(ReadOnlySpan<byte> head)
    {
        Span<byte> lower = stackalloc byte[Math.Min(head.Length, 4096)];
        for (int i = 0; i < lower.Length; i++)
            lower[i] = (byte)char.ToLowerInvariant((char)head[i]);
        return lower.IndexOf("\r\nconnection: close"u8) >= 0;
    }

    private static byte[] Response(bool close)
    {
        var head = string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {Body.Length}\r\n{(close ? "Connection: close\r\n" : "")}\r\n");
        return [.. Encoding.ASCII.GetBytes(head), .. Body];
    }
}
