namespace SynAck.Interop.Tests.Sockets;

/// <summary>
/// The IP layer against the kernel in a private namespace: ping (plain and fragmented) answered, a SYN sent in
/// 8-byte fragments answered, a UDP probe refused by ICMP port unreachable.
/// </summary>
public sealed class IcmpInteropTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PingIsAnswered()
    {
        RootRequirement.Require("ip", "ping");
        await using var tun = TunHost.Create();
        var (code, output) = tun.Namespace.Exec("ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "198.18.0.2");
        Assert.True(code == 0, output);
        Assert.Contains("3 received", output, StringComparison.Ordinal);
        Assert.Equal(3, await tun.Host.InvokeAsync(s => s.IpCounters.IcmpOutEchoReps));
    }

    [Fact]
    public async Task AFragmentedPingIsReassembledAndAnsweredInFragments()
    {
        RootRequirement.Require("ip", "ping");
        await using var tun = TunHost.Create();
        var (code, output) = tun.Namespace.Exec("ping", "-n", "-c", "2", "-i", "0.2", "-W", "2", "-s", "3000", "198.18.0.2");
        Assert.True(code == 0, output);
        Assert.Contains("2 received", output, StringComparison.Ordinal);
        Assert.Equal(2, await tun.Host.InvokeAsync(s => s.IpCounters.ReasmOKs));
    }

    [Fact]
    public async Task ASynInTinyFragmentsIsAnsweredWithASynAck()
    {
        RootRequirement.Require("ip", KernelPeer.Python);
        KernelPeer.RequireScapy();
        await using var tun = TunHost.Create();
        await using var listener = tun.Host.Listen(5070);
        // scapy sends the SYN split into 8-byte fragments (hping3 -f) and prints the flags of the answer.
        const string script = """
            from scapy.all import IP, TCP, fragment, send, AsyncSniffer, conf
            conf.verb = 0
            iface = conf.route.route("198.18.0.2")[0]
            import threading
            ready = threading.Event()
            sniffer = AsyncSniffer(iface=iface, filter="tcp and src host 198.18.0.2 and src port 5070", count=1, timeout=10, started_callback=ready.set)
            sniffer.start()
            ready.wait(10)
            syn = IP(dst="198.18.0.2")/TCP(sport=43210, dport=5070, flags="S", seq=12345, options=[("MSS", 1400)])
            send(fragment(syn, fragsize=8), iface=iface)
            sniffer.join()
            got = sniffer.results
            print("RESULT", got[0][TCP].flags if got else "none")
            """;
        var (code, output) = tun.Namespace.Exec(KernelPeer.Python, "-c", script);
        Assert.True(code == 0, output);
        var counters = await tun.Host.InvokeAsync(s => $"reqds {s.IpCounters.ReasmReqds} oks {s.IpCounters.ReasmOKs} fails {s.IpCounters.ReasmFails} malformed {s.IpCounters.ReasmMalformed} drops {s.Counters.TotalDrops} passive {s.Counters.PassiveOpens}");
        Assert.True(output.Contains("RESULT SA", StringComparison.Ordinal), output + "\n" + counters);
        Assert.True(await tun.Host.InvokeAsync(s => s.IpCounters.ReasmOKs) >= 1);
    }

    [Fact]
    public async Task AUdpProbeIsRefusedByPortUnreachable()
    {
        RootRequirement.Require("ip", KernelPeer.Python);
        await using var tun = TunHost.Create();
        // A connected UDP socket sees the ICMP port unreachable as ECONNREFUSED on its next receive.
        const string script = """
            import socket
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(5)
            s.connect(("198.18.0.2", 9))
            s.send(b"probe")
            try:
                s.recv(16)
                print("answered")
            except ConnectionRefusedError:
                print("refused")
            except socket.timeout:
                print("timeout")
            """;
        var (code, output) = tun.Namespace.Exec(KernelPeer.Python, "-c", script);
        Assert.True(code == 0, output);
        Assert.Equal("refused", output.Trim());
        Assert.Equal(1, await tun.Host.InvokeAsync(s => s.IpCounters.IcmpOutDestUnreachs));
    }
}
