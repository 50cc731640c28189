using System.Diagnostics;
using SynAck.Interop.Tests.Sockets;
using SynAck.Links;
using SynAck.Sockets;
using SynAck.Tcp;

namespace SynAck.Interop.Tests.Links;

/// <summary>
/// Segmentation offload against the kernel: 256 MiB each way over one connection with the TUN device's offload on,
/// SHA-256 equal both ways, and a capture on the device (kernel side, dumpcap) that shows frames longer than the
/// MTU both ways: the kernel's TSO super-packets into SynAck and SynAck's GSO super-packets into the kernel. The
/// same over a two-queue device with a stack shard per queue.
/// </summary>
public sealed class TunOffloadTests(ITestOutputHelper output)
{
    private const long Size = 256L * 1024 * 1024;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task QuarterGibibyteEachWayTravelsInSuperPackets()
    {
        RootRequirement.Require("ip", "dumpcap", "tshark", KernelPeer.Python);
        var ct = TestContext.Current.CancellationToken;
        var pcap = Path.Combine(Path.GetTempPath(), $"synack-offload-{Guid.NewGuid():N}.pcapng");
        try
        {
            await using var tun = TunHost.Create(offload: true);
            Assert.True(tun.Network.Tun.Offload);
            await using var listener = tun.Host.Listen(5004);
            using (var capture = await CaptureAsync(tun, pcap))
            {
                var clock = Stopwatch.StartNew();
                using var peer = KernelPeer.Client(tun.Namespace, 5004, Size, "last");
                var server = await listener.AcceptAsync(ct).AsTask().WaitAsync(Limit, ct);
                var mine = await SynAckSide.RunAsync(server, Size, readExactly: Size).WaitAsync(Limit, ct);
                var theirs = await peer.ResultAsync(Limit);
                output.WriteLine($"256 MiB each way in {clock.Elapsed.TotalSeconds:0.00} s; link {tun.Network.Tun.Counters}, " +
                    $"super-packets sent {tun.Network.Tun.Counters.SuperPacketsSent}, received {tun.Network.Tun.Counters.SuperPacketsReceived}");

                Assert.False(theirs.TryGetProperty("error", out var e), "kernel side error: " + e);
                Assert.Equal(Size, mine.Received);
                Assert.Equal(Size, theirs.GetProperty("received").GetInt64());
                Assert.Equal(theirs.GetProperty("sha_sent").GetString(), mine.ShaReceived);
                Assert.Equal(mine.ShaSent, theirs.GetProperty("sha_received").GetString());
                await StopAsync(capture);
            }
            Assert.True(tun.Network.Tun.Counters.SuperPacketsSent > 0);
            Assert.True(tun.Network.Tun.Counters.SuperPacketsReceived > 0);
        }
        finally
        {
            var fromKernel = LongFrames(pcap, "198.18.0.1");
            var fromSynAck = LongFrames(pcap, "198.18.0.2");
            output.WriteLine($"frames over 1500 B in the capture: kernel -> SynAck {fromKernel}, SynAck -> kernel {fromSynAck}");
            File.Delete(pcap);
            Assert.True(fromKernel > 0, "no TSO super-packet from the kernel in the capture");
            Assert.True(fromSynAck > 0, "no GSO super-packet from SynAck in the capture");
        }
    }

    [Fact]
    public async Task QuarterGibibyteEachWayOverTwoShards()
    {
        RootRequirement.Require("ip", "dumpcap", "tshark", KernelPeer.Python);
        var ct = TestContext.Current.CancellationToken;
        var pcap = Path.Combine(Path.GetTempPath(), $"synack-shards-{Guid.NewGuid():N}.pcapng");
        const long half = Size / 2;
        using var ns = NetNamespace.Create();
        var queues = new TunSetup { Namespace = ns.Name, CreateNamespace = false, KernelAddresses = ["198.18.0.1/24"], Offload = true }.OpenQueues(2);
        var shards = SynAckHost.StartShards(queues, TunNetwork.SynAckAddress, new SynAckHostOptions { Settings = new TcpSettings { Mtu = queues[0].Mtu }, Seed = 7 });
        try
        {
            var listeners = shards.Select(h => h.Listen(5005)).ToArray();
            using (var capture = await CaptureAsync(ns, queues[0].Name, pcap))
            {
                // Two connections, half the bytes each way on each: the kernel's, owned by whichever shard its flow
                // hashes to (a listener in both), and one shard 1 opens (an ephemeral port of its class).
                using var kernelClient = KernelPeer.Client(ns, 5005, half, "last");
                using var kernelServer = await KernelPeer.ServerAsync(ns, 5006, half, "last");
                var accepts = listeners.Select(l => l.AcceptAsync(ct).AsTask()).ToArray();
                var accepted = await (await Task.WhenAny(accepts).WaitAsync(Limit, ct));
                var opened = await shards[1].ConnectAsync(TunHost.Kernel(5006), ct).AsTask().WaitAsync(Limit, ct);
                Assert.Equal(1, opened.LocalEndPoint.Port % 2);
                var results = await Task.WhenAll(
                    SynAckSide.RunAsync(accepted, half, readExactly: half),
                    SynAckSide.RunAsync(opened, half, readExactly: half)).WaitAsync(Limit, ct);
                JsonElementPair(results[0], await kernelClient.ResultAsync(Limit), half);
                JsonElementPair(results[1], await kernelServer.ResultAsync(Limit), half);
                output.WriteLine($"shards: handed over {shards[0].PacketsForwarded}/{shards[1].PacketsForwarded}, super-packets sent " +
                    $"{queues[0].Counters.SuperPacketsSent}/{queues[1].Counters.SuperPacketsSent}, received {queues[0].Counters.SuperPacketsReceived}/{queues[1].Counters.SuperPacketsReceived}");
                await StopAsync(capture);
            }
            Assert.True(queues[1].Counters.SuperPacketsSent > 0, "shard 1 sent no super-packet");
        }
        finally
        {
            foreach (var h in shards)
                await h.DisposeAsync();
            var fromKernel = LongFrames(pcap, "198.18.0.1");
            var fromSynAck = LongFrames(pcap, "198.18.0.2");
            output.WriteLine($"frames over 1500 B in the capture: kernel -> SynAck {fromKernel}, SynAck -> kernel {fromSynAck}");
            File.Delete(pcap);
            Assert.True(fromKernel > 0, "no TSO super-packet from the kernel in the capture");
            Assert.True(fromSynAck > 0, "no GSO super-packet from SynAck in the capture");
        }
    }

    private static void JsonElementPair(TransferResult mine, System.Text.Json.JsonElement theirs, long size)
    {
        Assert.False(theirs.TryGetProperty("error", out var e), "kernel side error: " + e);
        Assert.Equal(size, mine.Received);
        Assert.Equal(size, theirs.GetProperty("received").GetInt64());
        Assert.Equal(theirs.GetProperty("sha_sent").GetString(), mine.ShaReceived);
        Assert.Equal(mine.ShaSent, theirs.GetProperty("sha_received").GetString());
    }

    private static Task<Process> CaptureAsync(TunHost tun, string file) => CaptureAsync(tun.Namespace, tun.Network.Tun.Name, file);

    /// <summary>dumpcap on the device in the namespace, headers only (the payload would be 512 MiB of capture).</summary>
    private static async Task<Process> CaptureAsync(NetNamespace ns, string device, string file)
    {
        var dumpcap = ns.Start("dumpcap", "-i", device, "-s", "128", "-q", "-w", file);
        // dumpcap says "Capturing on 'tunN'" on stderr once the capture is open.
        var ct = TestContext.Current.CancellationToken;
        while (await dumpcap.StandardError.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct) is { } line)
        {
            if (line.Contains("Capturing on", StringComparison.Ordinal))
                return dumpcap;
        }
        Assert.Fail("dumpcap did not start capturing");
        return dumpcap;
    }

    private static async Task StopAsync(Process dumpcap)
    {
        // SIGINT lets dumpcap finish the file (Kill would send SIGKILL).
        using var kill = Process.Start("kill", ["-INT", dumpcap.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        await dumpcap.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static int LongFrames(string pcap, string source)
    {
        if (!File.Exists(pcap))
            return 0;
        var psi = new ProcessStartInfo("tshark") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-r", pcap, "-Y", $"ip.src == {source} && frame.len > 1500", "-T", "fields", "-e", "frame.len"])
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }
}
