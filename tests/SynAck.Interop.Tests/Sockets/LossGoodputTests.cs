using System.Diagnostics;
using System.Globalization;
using SynAck.Links;

namespace SynAck.Interop.Tests.Sockets;

/// <summary>
/// One-way transfers through SynAck's fault injector (pure loss, the same rate both ways), SynAck as sender and then the
/// kernel as sender over the same link settings, each timed on its own so the two senders' goodput can be compared
/// (issue 11). The assertions are byte-exactness; the figures go to the test output (and SYNACK_PERF_LOG when set).
/// SYNACK_LOSS_MIB sets the size (default 8 MiB; the figure is for 64).
/// </summary>
public sealed class LossGoodputTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(300);

    private static long Size => 1024L * 1024 * (Environment.GetEnvironmentVariable("SYNACK_LOSS_MIB") is { } s
        && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int mib) && mib > 0 ? mib : 8);

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.05)]
    public async Task SynAckAndKernelAsSendersThroughLoss(double loss)
    {
        RootRequirement.Require("ip", "ss", "nstat", KernelPeer.Python);
        var faults = new FaultSettings { Loss = loss };
        var (synAckSeconds, synAckCounters) = await SynAckSendsAsync(faults, 5011);
        var (kernelSeconds, kernelCounters) = await KernelSendsAsync(faults, 5012);
        double mib = Size / (1024.0 * 1024.0);
        double Gbit(double seconds) => Size * 8 / seconds / 1e9;
        Write($"loss {loss:P1}, {mib:0} MiB one way: SynAck sends in {synAckSeconds:0.00} s ({Gbit(synAckSeconds):0.000} Gbit/s; {synAckCounters}); "
            + $"kernel sends in {kernelSeconds:0.00} s ({Gbit(kernelSeconds):0.000} Gbit/s; {kernelCounters}); ratio {kernelSeconds / synAckSeconds:0.000}");
    }

    private static async Task<(double Seconds, string Counters)> SynAckSendsAsync(FaultSettings faults, ushort port)
    {
        await using var tun = TunHost.Create(faults, seed: 7);
        using var peer = await KernelPeer.ServerAsync(tun.Namespace, port, 0, "last");
        var clock = Stopwatch.StartNew();
        var client = await tun.Host.ConnectAsync(TunHost.Kernel(port), TestContext.Current.CancellationToken).AsTask().WaitAsync(Limit);
        var mine = await SynAckSide.RunAsync(client, Size, readExactly: 0).WaitAsync(Limit);
        var theirs = await peer.ResultAsync(Limit);
        double seconds = clock.Elapsed.TotalSeconds;
        Assert.Equal(Size, theirs.GetProperty("received").GetInt64());
        Assert.Equal(mine.ShaSent, theirs.GetProperty("sha_received").GetString());
        string counters = await tun.Host.InvokeAsync(s => $"SynAck {s.Counters.RetransmissionTimeouts} RTOs, {s.Counters.FastRecoveries} fast recoveries, "
            + $"{s.Counters.RetransSegs} of {s.Counters.OutSegs + s.Counters.RetransSegs} segments retransmitted");
        return (seconds, counters);
    }

    private static async Task<(double Seconds, string Counters)> KernelSendsAsync(FaultSettings faults, ushort port)
    {
        await using var tun = TunHost.Create(faults, seed: 7);
        using var peer = await KernelPeer.ServerAsync(tun.Namespace, port, Size, "first");
        var clock = Stopwatch.StartNew();
        var client = await tun.Host.ConnectAsync(TunHost.Kernel(port), TestContext.Current.CancellationToken).AsTask().WaitAsync(Limit);
        var mine = await SynAckSide.RunAsync(client, 0).WaitAsync(Limit);
        var theirs = await peer.ResultAsync(Limit);
        double seconds = clock.Elapsed.TotalSeconds;
        Assert.Equal(Size, mine.Received);
        Assert.Equal(theirs.GetProperty("sha_sent").GetString(), mine.ShaReceived);
        var (_, nstat) = tun.Namespace.Exec("nstat", "-az", "TcpExtTCPTimeouts", "TcpExtTCPSackRecovery", "TcpExtTCPLossProbes", "TcpRetransSegs");
        string counters = "kernel " + string.Join(", ", nstat.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith('#')).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2))));
        return (seconds, counters);
    }

    private void Write(string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("SYNACK_PERF_LOG") is { } path)
            File.AppendAllText(path, line + "\n");
    }
}
