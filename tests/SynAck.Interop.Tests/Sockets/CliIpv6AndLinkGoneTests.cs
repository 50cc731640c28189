using System.Text.RegularExpressions;

namespace SynAck.Interop.Tests.Sockets;

/// <summary><c>serve</c> and <c>connect</c> over IPv6 against the kernel, and <c>serve</c> losing its TUN device.</summary>
public sealed partial class CliIpv6AndLinkGoneTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    // A kernel peer over IPv6: "send" connects, sends N bytes of os.urandom, half-closes and reads to the end;
    // "sink" listens on [::]:PORT (before the device has its address), reads to the end and closes.
    // Either prints "bytes sha256" of what it sent or received.
    private const string Script = """
        import socket, sys, hashlib, os
        role, host, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        h = hashlib.sha256(); total = 0
        if role == 'send':
            s = socket.create_connection((host, port), timeout=30)
            while total < n:
                b = os.urandom(min(n - total, 1 << 20)); h.update(b); s.sendall(b); total += len(b)
            s.shutdown(socket.SHUT_WR)
            while s.recv(65536): pass
        else:
            ls = socket.socket(socket.AF_INET6); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            ls.bind((host, port)); ls.listen(1); print('READY', flush=True)
            s, _ = ls.accept(); s.settimeout(30)
            while True:
                b = s.recv(1 << 20)
                if not b: break
                h.update(b); total += len(b)
        s.close()
        print(total, h.hexdigest(), flush=True)
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServeOverIpv6ReceivesWhatAKernelClientSent()
    {
        RootRequirement.Require("ip", KernelPeer.Python);
        using var ns = NetNamespace.Create();
        using var serve = CliTests.StartCli("serve", "--netns", ns.Name, "--address", "2001:2::2", "--port", "5000", "--discard", "--sha256", "--count", "1");
        var first = await serve.StandardOutput.ReadLineAsync(Ct).AsTask().WaitAsync(Limit, Ct);
        Assert.StartsWith("listening on [2001:2::2]:5000 (discard)", first, StringComparison.Ordinal);
        Assert.Contains("kernel 2001:2::1/64", first, StringComparison.Ordinal);

        var (code, sent) = await Task.Run(() => ns.Exec(KernelPeer.Python, "-c", Script, "send", "2001:2::2", "5000", "2000000"), Ct);
        Assert.True(code == 0, sent);
        var rest = await serve.StandardOutput.ReadToEndAsync(Ct).WaitAsync(Limit, Ct);
        await serve.WaitForExitAsync(Ct).WaitAsync(Limit, Ct);
        Assert.Equal(0, serve.ExitCode);
        var line = Assert.Single(rest.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^connection \[2001:2::1\]:\d+ -> \[2001:2::2\]:5000 received=2000000 sent=0 end=closed ", line);
        Assert.EndsWith(" sha256-received=" + sent.Trim().Split(' ')[1], line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectOverIpv6SendsToAKernelServer()
    {
        RootRequirement.Require("ip", KernelPeer.Python);
        using var ns = NetNamespace.Create();
        using var sink = ns.Start(KernelPeer.Python, "-c", Script, "sink", "::", "6000", "0");
        Assert.Equal("READY", await sink.StandardOutput.ReadLineAsync(Ct).AsTask().WaitAsync(Limit, Ct));
        // No --address: the IPv6 --to makes SynAck 2001:2::2 and the kernel 2001:2::1/64.
        using var connect = CliTests.StartCli("connect", "--netns", ns.Name, "--to", "[2001:2::1]:6000", "--send-bytes", "3000000", "--sha256");
        var output = await connect.StandardOutput.ReadToEndAsync(Ct).WaitAsync(Limit, Ct);
        var errors = await connect.StandardError.ReadToEndAsync(Ct).WaitAsync(Limit, Ct);
        await connect.WaitForExitAsync(Ct).WaitAsync(Limit, Ct);
        Assert.True(connect.ExitCode == 0, $"exit {connect.ExitCode}: {output} {errors}");
        var theirs = (await sink.StandardOutput.ReadToEndAsync(Ct).WaitAsync(Limit, Ct)).Trim().Split(' ');

        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("connection ", StringComparison.Ordinal));
        Assert.Matches(@"^connection \[2001:2::2\]:\d+ -> \[2001:2::1\]:6000 sent=3000000 received=0 end=closed ", line);
        Assert.Equal("3000000", theirs[0]);
        Assert.Equal(theirs[1], SentDigest().Match(line).Groups[1].Value);
    }

    [Fact]
    public async Task ServeEndsWithOneLineWhenItsNamespaceIsDeleted()
    {
        RootRequirement.Require("ip");
        using var ns = NetNamespace.Create();
        using var serve = CliTests.StartCli("serve", "--netns", ns.Name, "--port", "5000", "--discard");
        var first = await serve.StandardOutput.ReadLineAsync(Ct).AsTask().WaitAsync(Limit, Ct);
        Assert.StartsWith("listening on 198.18.0.2:5000", first, StringComparison.Ordinal);

        // The namespace takes the TUN device with it: SynAck's descriptor then answers EBADFD.
        NetNamespace.Run("ip", "netns", "del", ns.Name).ThrowIfFailed("ip netns del");

        var output = await serve.StandardOutput.ReadToEndAsync(Ct).WaitAsync(Limit, Ct);
        var errors = await serve.StandardError.ReadToEndAsync(Ct).WaitAsync(Limit, Ct);
        await serve.WaitForExitAsync(Ct).WaitAsync(Limit, Ct);
        Assert.Equal(1, serve.ExitCode);
        Assert.Equal("", output.Trim());
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^error: TUN device \S+ went away \(deleted, or its network namespace was removed\): .*errno 77\)$", line);
    }

    [Theory]
    [InlineData("error: --mtu 50 is not an MTU (68-65535)", "serve", "--port", "80", "--echo", "--mtu", "50")]
    [InlineData("error: --mtu 1000 is not an MTU (1280-65535)", "serve", "--port", "80", "--echo", "--address", "2001:2::2", "--mtu", "1000")]
    [InlineData("error: --kernel-address 198.18.0.1/24 and --address 2001:2::2 are of different IP versions", "serve", "--port", "80", "--echo", "--kernel-address", "198.18.0.1/24", "--address", "2001:2::2")]
    [InlineData("error: --to [2001:2::1]:80 and --address 198.18.0.2 are of different IP versions", "connect", "--to", "[2001:2::1]:80", "--address", "198.18.0.2")]
    [InlineData("error: --shards 0 is not a shard count (1-64)", "connect", "--to", "198.18.0.1:80", "--shards", "0")]
    [InlineData("error: --shards above 1 cannot be combined with --pcap, --loss, --dup or --reorder", "serve", "--port", "80", "--echo", "--shards", "2", "--loss", "0.1")]
    public async Task BadTunArgumentsGiveOneLineAndExitCode2(string expected, params string[] args)
    {
        using var p = CliTests.StartCli(args);
        var stderr = await p.StandardError.ReadToEndAsync(Ct).WaitAsync(Limit, Ct);
        await p.WaitForExitAsync(Ct).WaitAsync(Limit, Ct);
        Assert.Equal(2, p.ExitCode);
        Assert.Equal(expected, stderr.Trim());
    }

    [GeneratedRegex(@"sha256-sent=([0-9a-f]{64})")]
    private static partial Regex SentDigest();
}
