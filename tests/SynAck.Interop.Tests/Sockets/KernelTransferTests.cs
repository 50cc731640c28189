using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using SynAck.Links;

namespace SynAck.Interop.Tests.Sockets;

/// <summary>
/// SynAck against the Linux kernel's TCP over TUN (interop.md): 64 MiB each way with SHA-256 checks, in both close
/// orders with each active closer's TIME-WAIT verified, clean and with 5 % loss plus duplication and reordering.
/// </summary>
public sealed class KernelTransferTests(ITestOutputHelper log)
{
    private const long Size = 64L * 1024 * 1024;

    // With 5 % loss each way (plus 2 % duplication and 2 % reordering) a transfer runs at about 150-350 KB/s: most
    // losses are recovered by retransmission timeouts (the engine has no SACK yet, and the kernel's BBR pacing collapses
    // under random loss), so 8 MiB took about a minute per test. 1 MiB each way (about 1,500 segments, some 150 of them
    // lost, duplicated or reordered) keeps the whole interop suite near its four-minute budget.
    private const long ImpairedSize = 1L * 1024 * 1024;

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
        Report("kernel client -> SynAck server", size, clock.Elapsed, tun);

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
        Report("SynAck client -> kernel server", size, clock.Elapsed, tun);

        AssertExchanged(size, mine, theirs);
        await AssertCloseAsync(tun, port, kernelClosesFirst);
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
        if (kernelClosedFirst)
        {
            await Eventually.HoldsAsync(() => Task.FromResult(tun.KernelSockets("time-wait", port).Length == 1), "the kernel's TIME-WAIT");
            await Eventually.HoldsAsync(async () => await tun.Host.InvokeAsync(s => s.ConnectionCount == 0 && s.TimeWaitCount == 0 && s.HandleCount == 0),
                "SynAck's connection reaching CLOSED");
        }
        else
        {
            await Eventually.HoldsAsync(async () => await tun.Host.InvokeAsync(s => s.TimeWaitCount == 1 && s.ConnectionCount == 0),
                "SynAck's TIME-WAIT");
            await Eventually.HoldsAsync(() => Task.FromResult(tun.KernelSockets("all", port).Length == 0), "the kernel's socket reaching CLOSED");
        }
    }

    private void Report(string what, long size, TimeSpan elapsed, TunHost tun)
    {
        double mib = size / (1024.0 * 1024.0);
        string faults = tun.Faults is { } f ? $", faults in {f.Inbound} out {f.Outbound}" : "";
        log.WriteLine($"{what}: {mib:0} MiB each way in {elapsed.TotalSeconds:0.00} s ({2 * mib / elapsed.TotalSeconds:0.0} MiB/s both directions together){faults}");
    }
}
