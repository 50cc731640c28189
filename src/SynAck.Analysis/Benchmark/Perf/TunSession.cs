using System.Net;
using System.Net.Sockets;
using SynAck.Links;
using SynAck.Sockets;
using SynAck.Tcp;
using SynAck.Wire;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>
/// SynAck on a TUN device whose kernel side is in a private namespace (kernel 198.18.0.1, SynAck 198.18.0.2), with an
/// optional fault injector between them, and one stream each way between SynAck and the namespace's kernel.
/// </summary>
internal sealed class TunSession : IAsyncDisposable
{
    public static readonly IPAddress KernelAddress = IPAddress.Parse("198.18.0.1");
    public static readonly IPAddress SynAckAddress = IPAddress.Parse("198.18.0.2");
    private const int SinkPort = 5201;
    private const int SynAckPort = 5202;

    private readonly byte[] _payload = new byte[1 << 20];
    private readonly Socket _sink;
    private readonly SynAckListener _listener;

    private TunSession(BenchNamespace ns, SynAckHost host)
    {
        Namespace = ns;
        Host = host;
        Random.Shared.NextBytes(_payload);
        _sink = ns.NewSocket();
        _sink.Bind(new IPEndPoint(KernelAddress, SinkPort));
        _sink.Listen(16);
        _listener = host.Listen(SynAckPort);
    }

    public BenchNamespace Namespace { get; }

    public SynAckHost Host { get; }

    public static TunSession Open(int mtu, double loss, ulong seed)
    {
        var ns = BenchNamespace.Create();
        ILink? link = null;
        try
        {
            // Segmentation and checksum offload as serve/connect use it; the fault injector (loss runs) works on
            // MTU-sized segments, which the link cuts super-packets into for it, so offload stays on there too.
            link = new TunSetup { Namespace = ns.Name, KernelAddresses = ["198.18.0.1/24"], Mtu = mtu, Offload = true }.Open();
            if (loss > 0)
            {
                var faults = new FaultSettings { Loss = loss };
                link = new FaultInjectingLink(link, faults, faults, seed);
            }
            var host = new SynAckHost(link, IpAddress.FromIPAddress(SynAckAddress), new SynAckHostOptions { Settings = new TcpSettings { Mtu = mtu }, Seed = seed });
            return new TunSession(ns, host);
        }
        catch
        {
            link?.Dispose();
            ns.Dispose();
            throw;
        }
    }

    /// <summary>SynAck connects to the kernel's sink and sends <paramref name="bytes"/>; done when the kernel read them all.</summary>
    public async Task<long> SynAckSendsAsync(long bytes, CancellationToken ct)
    {
        var accepted = _sink.AcceptAsync(ct).AsTask();
        var c = await Host.ConnectAsync(new IPEndPoint(KernelAddress, SinkPort), ct).ConfigureAwait(false);
        using var kernel = await accepted.ConfigureAwait(false);
        var reading = Task.Run(() => Drain(kernel, ct), ct);
        await using (c.ConfigureAwait(false))
        {
            for (long left = bytes; left > 0;)
            {
                int n = (int)Math.Min(left, _payload.Length);
                await c.WriteAsync(_payload.AsMemory(0, n), ct).ConfigureAwait(false);
                left -= n;
            }
            c.CompleteWrites();
            return await reading.ConfigureAwait(false);
        }
    }

    /// <summary>The kernel connects to SynAck and sends <paramref name="bytes"/>; done when SynAck read them all.</summary>
    public async Task<long> KernelSendsAsync(long bytes, CancellationToken ct)
    {
        using var kernel = Namespace.NewSocket();
        var accepted = _listener.AcceptAsync(ct).AsTask();
        await kernel.ConnectAsync(new IPEndPoint(SynAckAddress, SynAckPort), ct).ConfigureAwait(false);
        var c = await accepted.ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var sending = Task.Run(async () =>
            {
                for (long left = bytes; left > 0;)
                {
                    int n = (int)Math.Min(left, _payload.Length);
                    await kernel.SendAsync(_payload.AsMemory(0, n), ct).ConfigureAwait(false);
                    left -= n;
                }
                kernel.Shutdown(SocketShutdown.Send);
            }, ct);
            var buffer = new byte[1 << 20];
            long received = 0;
            int got;
            while ((got = await c.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                received += got;
            await sending.ConfigureAwait(false);
            c.CompleteWrites();
            return received;
        }
    }

    private static long Drain(Socket s, CancellationToken ct)
    {
        var buffer = new byte[1 << 20];
        long received = 0;
        int got;
        while (!ct.IsCancellationRequested && (got = s.Receive(buffer)) > 0)
            received += got;
        return received;
    }

    public async ValueTask DisposeAsync()
    {
        _sink.Dispose();
        _listener.Dispose();
        await Host.DisposeAsync().ConfigureAwait(false);
        Namespace.Dispose();
    }
}
