using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using SynAck.Interop.Tests.Links;
using SynAck.Tcp;

namespace SynAck.Interop.Tests.Sockets;

/// <summary>
/// Path MTU discovery (RFC 1191) against a real Linux router: SynAck sends to a kernel peer one hop behind the TUN's
/// namespace; the router's link toward the peer shrinks mid-transfer, the router answers SynAck's DF segments with ICMP
/// "fragmentation needed", and the transfer completes byte-exact at the smaller size. Before that, a forged
/// "fragmentation needed" quoting a sequence number outside the flight is ignored and counted (RFC 5927 §4.1).
/// </summary>
public sealed class PathMtuInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);
    private const int Half = 16 * 1024 * 1024;

    [Fact]
    public async Task A_transfer_completes_byte_exact_when_the_path_mtu_drops_mid_transfer_and_a_forged_icmp_is_ignored()
    {
        RootRequirement.Require("ip", KernelPeer.Python);
        KernelPeer.RequireScapy();
        const ushort port = 5090;
        await using var tun = TunHost.Create();
        using var routed = RoutedPeer.Create(tun.Namespace);
        using var peer = await KernelPeer.ServerAsync(routed.Namespace, port, 0, "last", RoutedPeer.Address);
        var ct = TestContext.Current.CancellationToken;
        var c = await tun.Host.ConnectAsync(new IPEndPoint(IPAddress.Parse(RoutedPeer.Address), port), ct).AsTask().WaitAsync(Limit, ct);
        var (id, sndNxt, mssBefore) = await tun.Host.InvokeAsync(s => (s.GetConnectionId(c.Handle), s.Get(c.Handle).SndNxt, s.Get(c.Handle).SndMss));
        Assert.True(mssBefore > 1400, $"MSS {mssBefore} before the path shrinks");

        // A forged "fragmentation needed" (MTU 600) quoting this connection with a sequence number far past SND.NXT:
        // nothing of ours is in flight there, so it is not believed.
        string forged = $"""
            from scapy.all import IP, ICMP, TCP, send, conf
            conf.verb = 0
            quote = IP(src="198.18.0.2", dst="{RoutedPeer.Address}", flags="DF")/TCP(sport={id.LocalPort}, dport={port}, seq={(sndNxt + 1_000_000).Value}, flags="A")
            send(IP(src="198.18.0.1", dst="198.18.0.2")/ICMP(type=3, code=4, nexthopmtu=600)/bytes(quote)[:28])
            print("SENT")
            """;
        var (code, text) = tun.Namespace.Exec(KernelPeer.Python, "-c", forged);
        Assert.True(code == 0 && text.Contains("SENT", StringComparison.Ordinal), text);
        await Eventually.HoldsAsync(async () => await tun.Host.InvokeAsync(s => s.Counters.Drops(TcpDropReason.IcmpSeqOutOfFlight)) == 1, "the forged ICMP counted as out of flight", 10);
        Assert.Equal(mssBefore, await tun.Host.InvokeAsync(s => s.Get(c.Handle).SndMss));
        Assert.Equal(0, await tun.Host.InvokeAsync(s => s.IpCounters.PathMtuLowered));

        using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var random = new Random(20261205);
        var chunk = new byte[64 * 1024];
        async Task WriteAsync(int bytes)
        {
            for (int left = bytes; left > 0; left -= chunk.Length)
            {
                random.NextBytes(chunk);
                sent.AppendData(chunk);
                await c.WriteAsync(chunk);
            }
        }

        await WriteAsync(Half).WaitAsync(Limit, ct);
        routed.SetPathMtu(1280);
        await WriteAsync(Half).WaitAsync(Limit, ct);
        c.CompleteWrites();
        var buffer = new byte[16];
        Assert.Equal(0, await c.ReadAsync(buffer, ct).AsTask().WaitAsync(Limit, ct));
        var (mssAfter, pathMtu, lowered, retrans) = await tun.Host.InvokeAsync(s => (s.Get(c.Handle).SndMss, s.Get(c.Handle).PathMtu, s.IpCounters.PathMtuLowered, s.Counters.RetransSegs));
        await c.DisposeAsync();
        var theirs = await peer.ResultAsync(Limit);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MSS {mssBefore} -> {mssAfter}, path MTU {pathMtu}, lowered {lowered} time(s), {retrans} segments resent"));

        Assert.Equal(2L * Half, theirs.GetProperty("received").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(sent.GetHashAndReset()), theirs.GetProperty("sha_received").GetString());
        Assert.Equal(1280, pathMtu);
        Assert.True(mssAfter <= 1280 - 40, $"MSS {mssAfter} after the path MTU fell to 1280");
        Assert.True(lowered >= 1);
        Assert.Equal(1, await tun.Host.InvokeAsync(s => s.Counters.Drops(TcpDropReason.IcmpSeqOutOfFlight)));
    }
}
