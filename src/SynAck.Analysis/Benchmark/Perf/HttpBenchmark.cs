using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SynAck.Sockets;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>
/// <c>http</c>: <c>wrk</c> in the namespace against <see cref="TinyHttpHandler"/> served by SynAck over the TUN and by
/// System.Net.Sockets in the namespace's kernel, with a new connection per request and with keep-alive.
/// </summary>
internal static class HttpBenchmark
{
    public const int Connections = 16;
    private const int SynAckPort = 80;
    private const int KernelPort = 8080;

    public static BenchResult Run(BenchOptions o)
    {
        var session = TunSession.Open(1500, 0, o.Seed);
        using var stop = new CancellationTokenSource();
        var figures = new List<BenchFigure>();
        try
        {
            var synackListener = session.Host.Listen(SynAckPort, backlog: 1024);
            using var kernelListener = session.Namespace.NewSocket();
            kernelListener.Bind(new IPEndPoint(TunSession.KernelAddress, KernelPort));
            kernelListener.Listen(1024);
            var serving = Task.WhenAll(ServeSynAckAsync(synackListener, stop.Token), ServeKernelAsync(kernelListener, stop.Token));

            foreach (string mode in (string[])["close", "keepalive"])
            {
                var synackRuns = new List<WrkResult>();
                var kernelRuns = new List<WrkResult>();
                var synack = RunSample.Repeat(o, $"wrk → SynAck, {mode}", i => Wrk(session.Namespace, $"http://{TunSession.SynAckAddress}:{SynAckPort}/", mode, o.Seconds, i > 0 ? synackRuns : null));
                var kernel = RunSample.Repeat(o, $"wrk → kernel, {mode}", i => Wrk(session.Namespace, $"http://{TunSession.KernelAddress}:{KernelPort}/", mode, o.Seconds, i > 0 ? kernelRuns : null));
                var keys = new List<KeyValuePair<string, object>> { new("mode", mode) };
                figures.Add(Figures.Of("requests", "per second", keys, synack, kernel, new BenchTarget(null, Ratio: 1)));
                figures.Add(Figures.Of("latency_p99", "ms", keys, Latency(synackRuns, r => r.P99Ms), Latency(kernelRuns, r => r.P99Ms), new BenchTarget(null, AtMost: true, Ratio: 2), timed: false));
                figures.Add(Figures.Of("latency_p50", "ms", keys, Latency(synackRuns, r => r.P50Ms), Latency(kernelRuns, r => r.P50Ms), null, timed: false));
                long errors = synackRuns.Sum(r => r.Errors) + kernelRuns.Sum(r => r.Errors);
                if (errors > 0)
                    figures[^3] = figures[^3] with { Extra = [.. figures[^3].Extra, new("synack_errors", synackRuns.Sum(r => r.Errors)), new("kernel_errors", kernelRuns.Sum(r => r.Errors))] };
            }
            stop.Cancel();
            synackListener.Dispose();
            kernelListener.Close();
            serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException e) when (stop.IsCancellationRequested && e.InnerExceptions.All(x => x is OperationCanceledException or SocketException or ObjectDisposedException))
        {
            // The accept loops end when their listeners close.
        }
        finally
        {
            stop.Cancel();
            session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return new BenchResult("http")
        {
            Figures = figures,
            Notes =
            [
                string.Create(CultureInfo.InvariantCulture, $"wrk -t1 -c{Connections} -d{o.Seconds}s --latency from the namespace; close = a new connection per request (Connection: close, the server closes first), keepalive = HTTP/1.1 persistent connections; the same 13-byte handler served by SynAck over the TUN (MTU 1500) and by System.Net.Sockets in the namespace (loopback)"),
            ],
        };
    }

    private static List<RunSample> Latency(List<WrkResult> runs, Func<WrkResult, double> pick)
        => [.. runs.Select(r => new RunSample(pick(r), r.Requests, TimeSpan.Zero, TimeSpan.Zero))];

    private static RunSample Wrk(BenchNamespace ns, string url, string mode, int seconds, List<WrkResult>? keep)
    {
        string[] args = ["wrk", "-t1", $"-c{Connections}", $"-d{seconds}s", "--latency", .. mode == "close" ? (string[])["-H", "Connection: close"] : [], url];
        WrkResult result = null!;
        var (wall, cpu) = RunSample.Time(() =>
        {
            using var p = ns.Start(args);
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(seconds + 60)))
            {
                p.Kill();
                throw new TimeoutException("wrk did not finish");
            }
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"wrk failed ({p.ExitCode}): {stderr.Result.Trim()}");
            result = WrkResult.Parse(stdout.Result);
        });
        keep?.Add(result);
        return new RunSample(result.RequestsPerSecond, result.Requests, wall, cpu);
    }

    private static async Task ServeSynAckAsync(SynAckListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            SynAckConnection c;
            try
            {
                c = await listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                await using (c.ConfigureAwait(false))
                {
                    try
                    {
                        await TinyHttpHandler.ServeAsync(c, c.CompleteWrites, ct, halfCloseDuringWrite: true).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                    {
                        // wrk's own counts show failed requests.
                    }
                }
            }, CancellationToken.None);
        }
    }

    private static async Task ServeKernelAsync(Socket listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket s;
            try
            {
                s = await listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            s.NoDelay = true;
            _ = Task.Run(async () =>
            {
                await using var stream = new NetworkStream(s, ownsSocket: true);
                try
                {
                    await TinyHttpHandler.ServeAsync(stream, () => s.Shutdown(SocketShutdown.Send), ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // wrk's own counts show failed requests.
                }
            }, CancellationToken.None);
        }
    }
}
