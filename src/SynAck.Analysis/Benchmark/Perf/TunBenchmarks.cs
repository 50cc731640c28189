using System.Globalization;
using System.Net;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary><c>tun</c> and <c>loss</c>: SynAck and the kernel's TCP over a TUN device, each sending to the other.</summary>
internal static class TunBenchmarks
{
    public const long DefaultTunBytes = 1L << 30;
    public const long DefaultLossBytes = 64L << 20;
    public static readonly double[] LossRates = [0.01, 0.05];

    public static BenchResult Tun(BenchOptions o)
    {
        long bytes = o.Bytes ?? DefaultTunBytes;
        var figures = new List<BenchFigure>();
        foreach (int mtu in o.MtusOr(1500, 9000))
        {
            var session = TunSession.Open(mtu, 0, o.Seed);
            try
            {
                // Kernel ↔ kernel over the namespace's loopback at the same MTU, as the same-run reference.
                session.Namespace.SetMtu("lo", mtu);
                var kernel = RunSample.Repeat(o, $"kernel ↔ kernel, MTU {mtu}", _ => KernelLoopback.Stream(bytes, IPAddress.Loopback, session.Namespace.NewSocket));
                var toKernel = RunSample.Repeat(o, $"SynAck → kernel, MTU {mtu}", _ => Transfer(bytes, ct => session.SynAckSendsAsync(bytes, ct)));
                var fromKernel = RunSample.Repeat(o, $"kernel → SynAck, MTU {mtu}", _ => Transfer(bytes, ct => session.KernelSendsAsync(bytes, ct)));
                var target = mtu == 1500 ? new BenchTarget(5, Ratio: 0.5) : null;
                figures.Add(Figures.Of("goodput", "Gbit/s", [new("mtu", mtu), new("shards", 1), new("direction", "synack_to_kernel")], toKernel, kernel, target));
                figures.Add(Figures.Of("goodput", "Gbit/s", [new("mtu", mtu), new("shards", 1), new("direction", "kernel_to_synack")], fromKernel, kernel, target));
            }
            finally
            {
                session.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        return new BenchResult("tun")
        {
            Figures = figures,
            Notes =
            [
                string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 20):F0} MiB per run over a TUN device into a private namespace (SynAck: SynAckHost on TunLink, default settings but the MTU); kernel: System.Net.Sockets ↔ System.Net.Sockets over the namespace's loopback set to the same MTU"),
                "figures are for 1 shard with segmentation and checksum offload on (IFF_VNET_HDR, TSO/GSO both ways); 2 shards are not measured by bench tun (the interop test TunOffloadTests moves 256 MiB each way over 2 shards)",
            ],
        };
    }

    public static BenchResult Loss(BenchOptions o)
    {
        long bytes = o.Bytes ?? DefaultLossBytes;
        int mtu = o.Mtu ?? 1500;
        var figures = new List<BenchFigure>();
        foreach (double loss in LossRates)
        {
            var session = TunSession.Open(mtu, loss, o.Seed);
            try
            {
                var synackRtos = new List<RunSample>();
                var kernelRtos = new List<RunSample>();
                var synack = RunSample.Repeat(o, $"SynAck sends, {loss:P0} loss", i =>
                {
                    long before = session.Host.InvokeAsync(s => s.Counters.RetransmissionTimeouts).GetAwaiter().GetResult();
                    var r = Transfer(bytes, ct => session.SynAckSendsAsync(bytes, ct));
                    long rtos = session.Host.InvokeAsync(s => s.Counters.RetransmissionTimeouts).GetAwaiter().GetResult() - before;
                    if (i > 0)
                        synackRtos.Add(new RunSample(rtos, bytes, r.Wall, r.Cpu));
                    return r;
                });
                var kernel = RunSample.Repeat(o, $"kernel sends, {loss:P0} loss", i =>
                {
                    long before = session.Namespace.KernelTimeouts();
                    var r = Transfer(bytes, ct => session.KernelSendsAsync(bytes, ct));
                    long rtos = session.Namespace.KernelTimeouts() - before;
                    if (i > 0)
                        kernelRtos.Add(new RunSample(rtos, bytes, r.Wall, r.Cpu));
                    return r;
                });
                var keys = new List<KeyValuePair<string, object>> { new("loss", loss), new("mtu", mtu), new("direction", "synack_sends_vs_kernel_sends") };
                figures.Add(Figures.Of("goodput", "Gbit/s", keys, synack, kernel, new BenchTarget(null, Ratio: 0.9)));
                figures.Add(Figures.Of("retransmission_timeouts", "per run", keys, synackRtos, kernelRtos,
                    loss <= 0.01 ? new BenchTarget(2 * bytes / (double)DefaultLossBytes, AtMost: true) : null));
            }
            finally
            {
                session.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        return new BenchResult("loss")
        {
            Figures = figures,
            Notes =
            [
                string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 20):F0} MiB per run over a TUN device at MTU {mtu} with SynAck's FaultInjectingLink dropping packets at the given rate both ways (seed {o.Seed}); SynAck sending to a kernel sink vs the kernel sending to SynAck on the same link; RTOs: SynAck's RetransmissionTimeouts counter vs the namespace's TcpExt TCPTimeouts"),
            ],
        };
    }

    /// <summary>Runs one transfer with a generous time limit (a shared machine under load is slow) and returns its goodput.</summary>
    internal static RunSample Transfer(long bytes, Func<CancellationToken, Task<long>> transfer)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(300, bytes / 2e5)));
        long received = 0;
        var (wall, cpu) = RunSample.Time(() =>
        {
            try
            {
                received = transfer(limit.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested)
            {
                throw new TimeoutException($"a {bytes:N0}-byte transfer over the TUN did not finish in time");
            }
        });
        if (received != bytes)
            throw new InvalidOperationException($"the transfer over the TUN delivered {received} of {bytes} bytes");
        return new RunSample(RunSample.Gbits(bytes, wall), bytes, wall, cpu);
    }
}
