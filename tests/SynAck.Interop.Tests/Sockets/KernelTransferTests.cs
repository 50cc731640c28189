using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using SynAck.Links;

namespace SynAck.Interop.Tests.Sockets;

/// <summary>
/// SynAck against the Linux kernel's TCP over TUN (interop.md): 64 MiB each way with SHA-256 checks, in both close
/// orders with each active closer's TIME-WAIT verified, clean and with 5 % loss plus duplication and reordering.
/// </summary>
public sealed class KernelTransferTests(ITestOutputHelper output)
{
    private const long Size = 64L * 1024 * 1024;

    // With 5 % loss each way (plus 2 % duplication and 2 % reordering) cwnd stays at a few segments. Before RFC 3042
    // limited transmit and lost-retransmission detection, most losses waited for the 200 ms RTO: 4 MiB each way took
    // ~11 s per test (0.35 MiB/s each way). Now 64 MiB each way takes ~25 s per test on a 2-core machine (about 2.5 MiB/s
    // each way; SynAck ~95 RTOs and ~2,150 SACK recoveries per test, the kernel ~950 SACK recoveries and no timeouts).
    private const long ImpairedSize = 64L * 1024 * 1024;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task KernelClientToSynAckServer(bool kernelClosesFirst) => KernelClientAsync(kernelClosesFirst, null, Size);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task SynAckClientToKernelServer(bool kernelClosesFirst) => SynAckClientAsync(kernelClosesFirst, null, Size);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task KernelClientToSynAckServerThroughLossDuplicationAndReordering(bool kernelClosesFirst)
        => KernelClientAsync(kernelClosesFirst, TunHost.Impaired, ImpairedSize);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task SynAckClientToKernelServerThroughLossDuplicationAndReordering(bool kernelClosesFirst)
        => SynAckClientAsync(kernelClosesFirst, TunHost.Impaired, ImpairedSize);

    private async Task KernelClientAsync(bool kernelClosesFirst, FaultSettings? faults, long size)
    {
        RootRequirement.Require("ip", "ss", KernelPeer.Python);
        const ushort port = 5001;
        await using var tun = TunHost.Create(faults);
        await using var listener = tun.Host.Listen(port);
        var clock = Stopwatch.StartNew();
        using var peer = KernelPeer.Client(tun.Namespace, port, size, kernelClosesFirst ? "first" : "last");
        var server = await listener.AcceptAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Limit);
        var mine = await SynAckSide.RunAsync(server, size, readExactly: kernelClosesFirst ? null : size).WaitAsync(Limit);
        var theirs = await peer.ResultAsync(Limit);
        await ReportAsync("kernel client -> SynAck server", size, clock.Elapsed, tun);

        AssertExchanged(size, mine, theirs);
        await AssertCloseAsync(tun, port, kernelClosesFirst);
    }

    private async Task SynAckClientAsync(bool kernelClosesFirst, FaultSettings? faults, long size)
    {
        RootRequirement.Require("ip", "ss", KernelPeer.Python);
        const ushort port = 5002;
        await using var tun = TunHost.Create(faults);
        using var peer = await KernelPeer.ServerAsync(tun.Namespace, port, size, kernelClosesFirst ? "first" : "last");
        var clock = Stopwatch.StartNew();
        var client = await tun.Host.ConnectAsync(TunHost.Kernel(port), TestContext.Current.CancellationToken).AsTask().WaitAsync(Limit);
        var mine = await SynAckSide.RunAsync(client, size, readExactly: kernelClosesFirst ? null : size).WaitAsync(Limit);
        var theirs = await peer.ResultAsync(Limit);
        await ReportAsync("SynAck client -> kernel server", size, clock.Elapsed, tun);

        AssertExchanged(size, mine, theirs);
        await AssertCloseAsync(tun, port, kernelClosesFirst);
    }

    /// <summary>Test output, copied to the file named by SYNACK_PERF_LOG when set (to compare runs that pass).</summary>
    private sealed class Log(ITestOutputHelper inner)
    {
        public void WriteLine(string line)
        {
            inner.WriteLine(line);
            if (Environment.GetEnvironmentVariable("SYNACK_PERF_LOG") is { } path)
                File.AppendAllText(path, line + "\n");
        }
    }

    private static void AssertExchanged(long size, TransferResult mine, JsonElement theirs)
    {
        Assert.False(theirs.TryGetProperty("error", out var e), "kernel side error: " + e);
        Assert.Equal(size, mine.Received);
        Assert.Equal(size, theirs.GetProperty("received").GetInt64());
        Assert.Equal(theirs.GetProperty("sha_sent").GetString(), mine.ShaReceived);
        Assert.Equal(mine.ShaSent, theirs.GetProperty("sha_received").GetString());
    }

    /// <summary>The active closer holds TIME-WAIT on its side; the passive closer's connection is gone.</summary>
    private static async Task AssertCloseAsync(TunHost tun, ushort port, bool kernelClosedFirst)
    {
        // With faults a lost FIN waits for a retransmission timeout, which earlier losses may have backed off.
        const double seconds = 60;
        async Task<string> Describe()
        {
            var (_, ss) = tun.Namespace.Exec("ss", "-tani");
            var synack = await tun.Host.InvokeAsync(s => $"SynAck: {s.ConnectionCount} connections, {s.TimeWaitCount} in TIME-WAIT, {s.HandleCount} handles");
            return synack + "; kernel: " + ss;
        }
        if (kernelClosedFirst)
        {
            await Eventually.HoldsAsync(() => Task.FromResult(tun.KernelSockets("time-wait", port).Length == 1), "the kernel's TIME-WAIT", seconds, Describe);
            await Eventually.HoldsAsync(async () => await tun.Host.InvokeAsync(s => s.ConnectionCount == 0 && s.TimeWaitCount == 0 && s.HandleCount == 0),
                "SynAck's connection reaching CLOSED", seconds, Describe);
        }
        else
        {
            await Eventually.HoldsAsync(async () => await tun.Host.InvokeAsync(s => s.TimeWaitCount == 1 && s.ConnectionCount == 0),
                "SynAck's TIME-WAIT", seconds, Describe);
            await Eventually.HoldsAsync(() => Task.FromResult(tun.KernelSockets("all", port).Length == 0), "the kernel's socket reaching CLOSED", seconds, Describe);
        }
    }

    private async Task ReportAsync(string what, long size, TimeSpan elapsed, TunHost tun)
    {
        var log = new Log(output);
        double mib = size / (1024.0 * 1024.0);
        string faults = tun.Faults is { } f ? $", faults in {f.Inbound} out {f.Outbound}" : "";
        log.WriteLine($"{what}: {mib:0} MiB each way in {elapsed.TotalSeconds:0.00} s ({2 * mib / elapsed.TotalSeconds:0.0} MiB/s both directions together){faults}");
        // Where the time went: SynAck's recoveries and timeouts, and the kernel's (its namespace's nstat counters).
        log.WriteLine(await tun.Host.InvokeAsync(s => $"SynAck: {s.Counters.RetransmissionTimeouts} RTOs, {s.Counters.FastRecoveries} fast recoveries " +
            $"({s.Counters.SackRecoveries} SACK), {s.Counters.RetransSegs} of {s.Counters.OutSegs + s.Counters.RetransSegs} segments retransmitted"));
        var (_, nstat) = tun.Namespace.Exec("nstat", "-az", "TcpRetransSegs", "TcpOutSegs", "TcpExtTCPTimeouts", "TcpExtTCPSackRecovery",
            "TcpExtTCPLossProbes", "TcpExtTCPSpuriousRTOs", "TcpExtTCPDSACKRecv", "TcpExtTCPSackRecoveryFail", "TcpExtTCPLostRetransmit");
        log.WriteLine("kernel: " + string.Join(", ", nstat.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith('#')).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2)))));
    }
}
