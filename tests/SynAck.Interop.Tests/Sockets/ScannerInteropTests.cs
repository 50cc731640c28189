using System.Text.RegularExpressions;
using SynAck.Interop.Tests.Links;

namespace SynAck.Interop.Tests.Sockets;

/// <summary>
/// SynAck probed by the tools people point at a host, from inside the private namespace: hping3 sends a SYN in tiny
/// fragments, nmap's UDP scan reads ICMP port unreachables, and nmap's OS detection sends its 16 probes to SynAck and
/// to the Linux kernel one hop away — the answers must be Linux's wherever the RFCs leave a choice.
/// </summary>
public sealed partial class ScannerInteropTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Hping3_syn_in_tiny_fragments_is_answered_with_a_syn_ack()
    {
        RootRequirement.Require("ip", "hping3");
        await using var tun = TunHost.Create();
        await using var listener = tun.Host.Listen(5071);
        // -f: hping3 splits the 40-byte SYN into fragments of 16 bytes at most (its default "virtual MTU").
        var (code, text) = tun.Namespace.Exec("hping3", "-S", "-f", "-p", "5071", "-c", "1", "198.18.0.2");
        output.WriteLine(text);
        Assert.True(code == 0, text);
        Assert.Contains("flags=SA", text, StringComparison.Ordinal);
        Assert.True(await tun.Host.InvokeAsync(s => s.IpCounters.ReasmOKs) >= 1, "the SYN did not arrive in fragments");
    }

    [Fact]
    public async Task Nmap_udp_scan_sees_closed_ports_by_their_icmp_port_unreachable()
    {
        RootRequirement.Require("ip", "nmap");
        await using var tun = TunHost.Create();
        var (code, text) = tun.Namespace.Exec("nmap", "-n", "-sU", "-p", "9,53,161", "198.18.0.2");
        output.WriteLine(text);
        Assert.True(code == 0, text);
        foreach (var port in new[] { "9/udp", "53/udp", "161/udp" })
            Assert.Matches(new Regex("^" + port + @"\s+closed\b", RegexOptions.Multiline), text);
        Assert.True(await tun.Host.InvokeAsync(s => s.IpCounters.IcmpOutDestUnreachs) >= 3);
    }

    /// <summary>
    /// Fingerprint fields where SynAck differs from Linux on purpose, each with its reason; every other field of the
    /// answers to nmap's probes must equal the kernel's.
    /// </summary>
    private static readonly Dictionary<string, string> Deliberate = new()
    {
        // Sequence generation: both draw ISNs by RFC 6528; nmap's rate and predictability estimates are noise.
        ["SEQ.SP"] = "ISN predictability index: a statistic of random RFC 6528 ISNs, different on every run",
        ["SEQ.ISR"] = "ISN rate estimate, as above",
        ["SEQ.GCD"] = "ISN increment GCD, as above",
        ["SEQ.TS"] = "timestamp clock rate: SynAck's TSval ticks in milliseconds as RFC 7323 §5.4 allows (1 ms–1 s)",
        // Windows: the buffer sizes are settings, not protocol.
        ["WIN.*"] = "initial window: SynAck's buffer settings (64 KiB), not Linux's tcp_rmem",
        ["ECN.W"] = "initial window, as above",
        ["OPS.WS"] = "window scale shift: follows the buffer settings",
        ["ECN.O.WS"] = "window scale shift, as above",
        ["ECN.CC"] = "ECN (RFC 3168) is not implemented: SynAck answers an ECN-setup SYN without ECE, as RFC 3168 §6.1.1 allows a host that does not do ECN",
        // ICMP echo: RFC 792 fixes the reply's code at 0; Linux copies the request's code (nmap's IE probes use code 9).
        ["IE.CD"] = "RFC 792: an echo reply's code is 0; Linux copies a non-zero request code",
    };

    [Fact]
    public async Task Nmap_os_detection_probes_get_the_kernels_answers_where_the_rfcs_leave_a_choice()
    {
        RootRequirement.Require("ip", "nmap", KernelPeer.Python);
        await using var tun = TunHost.Create();
        await using var listener = tun.Host.Listen(80);
        using var routed = RoutedPeer.Create(tun.Namespace);
        using var kernelListener = routed.Namespace.Start(KernelPeer.Python, "-c",
            "import socket,time\ns=socket.socket(); s.bind(('0.0.0.0',80)); s.listen(16); print('READY', flush=True); time.sleep(600)");
        Assert.Equal("READY", await kernelListener.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken));
        try
        {
            // Port 80 open, 81 closed on both. Both scans at once: each takes ~25 s, mostly nmap's own waiting.
            var synack = Task.Run(() => Fingerprint(tun.Namespace, "198.18.0.2"), TestContext.Current.CancellationToken);
            var kernel = Task.Run(() => Fingerprint(tun.Namespace, RoutedPeer.Address), TestContext.Current.CancellationToken);
            var (mine, mineText) = await synack;
            var (theirs, theirText) = await kernel;
            output.WriteLine("SynAck:\n" + mineText + "\nLinux:\n" + theirText);

            // SYN+FIN to an open port (T3) and the other odd probes must be answered (or not) exactly as Linux does.
            Assert.Equal("N", mine.GetValueOrDefault("T3.R"));
            var differences = new List<string>();
            foreach (var key in mine.Keys.Union(theirs.Keys).Order(StringComparer.Ordinal))
            {
                string a = mine.GetValueOrDefault(key, "-"), b = theirs.GetValueOrDefault(key, "-");
                if (a == b || IsDeliberate(key) || key.StartsWith("SCAN.", StringComparison.Ordinal))
                    continue;
                differences.Add($"{key}: SynAck {a}, Linux {b}");
            }
            Assert.True(differences.Count == 0, "answers that differ from Linux's:\n" + string.Join('\n', differences));
            foreach (var probe in new[] { "T1", "T2", "T4", "T5", "T6", "T7", "U1", "IE", "ECN" })
                Assert.True(theirs.ContainsKey(probe + ".R"), $"nmap's fingerprint of the kernel has no {probe} line:\n{theirText}");
        }
        finally
        {
            kernelListener.Kill();
        }
    }

    private static bool IsDeliberate(string key)
    {
        if (Deliberate.ContainsKey(key))
            return true;
        int dot = key.IndexOf('.', StringComparison.Ordinal);
        return Deliberate.ContainsKey(key[..dot] + ".*");
    }

    /// <summary>Runs nmap -O against <paramref name="target"/> and reads its fingerprint into "TEST.FIELD" → value.</summary>
    private static (Dictionary<string, string> Fields, string Text) Fingerprint(NetNamespace ns, string target)
    {
        var (code, text) = ns.Exec("nmap", "-n", "-O", "-d", "--max-retries", "2", "-p", "80,81", target);
        Assert.True(code == 0, text);
        var lines = text.Split('\n').Where(l => l.StartsWith("OS:", StringComparison.Ordinal)).Select(l => l[3..].TrimEnd());
        string fingerprint = string.Concat(lines);
        Assert.False(string.IsNullOrEmpty(fingerprint), "nmap printed no fingerprint:\n" + text);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match test in TestPattern().Matches(fingerprint))
        {
            string name = test.Groups[1].Value;
            foreach (var pair in test.Groups[2].Value.Split('%'))
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                    continue;
                string field = pair[..eq], value = pair[(eq + 1)..];
                // Option strings: the window scale shift (W followed by hex after N) is a buffer setting, compared apart.
                if (field.StartsWith('O') && WindowScale().Match(value) is { Success: true } ws)
                {
                    fields[name == "OPS" ? "OPS.WS" : name + ".O.WS"] = ws.Groups[1].Value;
                    value = WindowScale().Replace(value, "W");
                }
                fields[name + "." + field] = value;
            }
        }
        return (fields, fingerprint);
    }

    [GeneratedRegex(@"([A-Z0-9]+)\(([^)]*)\)")]
    private static partial Regex TestPattern();

    [GeneratedRegex(@"W([0-9A-F]+)")]
    private static partial Regex WindowScale();
}
