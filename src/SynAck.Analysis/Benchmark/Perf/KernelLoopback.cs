using System.Net;
using System.Net.Sockets;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>
/// The kernel's TCP doing the same work as SynAck, through <c>System.Net.Sockets</c>: one stream between two sockets,
/// and short connections from concurrent clients. By default over 127.0.0.1 in this process's namespace; the sockets
/// can be made elsewhere (a socket factory, e.g. one making sockets in a private namespace).
/// </summary>
internal static class KernelLoopback
{
    /// <summary>Sends <paramref name="bytes"/> from one socket to another and returns when the receiver has them all.</summary>
    public static RunSample Stream(long bytes, IPAddress address, Func<Socket>? socketFactory = null)
    {
        var make = socketFactory ?? (() => new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        using var listener = make();
        listener.Bind(new IPEndPoint(address, 0));
        listener.Listen(1);
        using var client = make();
        client.NoDelay = true;
        client.Connect(listener.LocalEndPoint!);
        using var server = listener.Accept();

        var payload = new byte[1 << 20];
        Random.Shared.NextBytes(payload);
        long received = 0;
        var (wall, cpu) = RunSample.Time(() =>
        {
            var sender = new Thread(() =>
            {
                for (long left = bytes; left > 0;)
                {
                    int n = (int)Math.Min(left, payload.Length);
                    client.Send(payload.AsSpan(0, n));
                    left -= n;
                }
                client.Shutdown(SocketShutdown.Send);
            }) { IsBackground = true, Name = "bench-kernel-send" };
            sender.Start();
            var buffer = new byte[1 << 20];
            int got;
            while ((got = server.Receive(buffer)) > 0)
                received += got;
            sender.Join();
        });
        if (received != bytes)
            throw new InvalidOperationException($"the kernel loopback stream delivered {received} of {bytes} bytes");
        return new RunSample(RunSample.Gbits(bytes, wall), bytes, wall, cpu);
    }

    /// <summary>
    /// <paramref name="count"/> short connections from <paramref name="clients"/> concurrent clients: connect, 1 byte
    /// each way, the client closes first (so the client holds TIME-WAIT), the server closes after reading the end.
    /// </summary>
    public static RunSample Connections(int count, int clients, IPAddress address)
    {
        using var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(address, 0));
        listener.Listen(4096);
        var endPoint = (IPEndPoint)listener.LocalEndPoint!;
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(() => ServeAsync(listener, stop.Token));
        int started = 0;
        int failures = 0;
        var (wall, cpu) = RunSample.Time(() =>
        {
            var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                var one = new byte[1];
                while (Interlocked.Increment(ref started) <= count)
                {
                    using var s = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await s.ConnectAsync(endPoint).ConfigureAwait(false);
                    await s.SendAsync(one.AsMemory()).ConfigureAwait(false);
                    if (await s.ReceiveAsync(one.AsMemory()).ConfigureAwait(false) != 1)
                        Interlocked.Increment(ref failures);
                    s.Close();
                }
            })).ToArray();
            Task.WaitAll(workers);
        });
        stop.Cancel();
        listener.Close();
        try
        {
            serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener closed under the accept loop: that is how it stops.
        }
        if (failures > 0)
            throw new InvalidOperationException($"{failures} of {count} kernel connections got no response");
        return new RunSample(count / wall.TotalSeconds, count, wall, cpu);
    }

    private static async Task ServeAsync(Socket listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket s;
            try
            {
                s = await listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using (s)
                {
                    var buffer = new byte[64];
                    try
                    {
                        if (await s.ReceiveAsync(buffer.AsMemory(), ct).ConfigureAwait(false) == 1)
                        {
                            await s.SendAsync(buffer.AsMemory(0, 1), ct).ConfigureAwait(false);
                            while (await s.ReceiveAsync(buffer.AsMemory(), ct).ConfigureAwait(false) > 0)
                            {
                            }
                        }
                    }
                    catch (Exception e) when (e is OperationCanceledException or SocketException)
                    {
                        // A client that failed shows up in its own count.
                    }
                }
            }, CancellationToken.None);
        }
    }
}
