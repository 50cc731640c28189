using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SynAck.Interop.Tests.Sockets;

/// <summary><c>synack serve</c> and <c>synack connect</c> run as processes against kernel peers in a private namespace.</summary>
public sealed partial class CliTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>The CLI built next to this test project (the solution build puts it there).</summary>
    private static string CliPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SynAck.slnx")))
            dir = dir.Parent;
        string configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var path = dir is null ? null : Path.Combine(dir.FullName, "src", "SynAck.Cli", "bin", configuration, "net10.0", "SynAck.Cli.dll");
        if (path is null || !File.Exists(path))
        {
            if (RootRequirement.InCi)
                Assert.Fail($"the CLI is not built ({path}); build SynAck.slnx first");
            Assert.Skip($"the CLI is not built ({path}); build SynAck.slnx first");
        }
        return path!;
    }

    internal static Process StartCli(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(CliPath());
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start the CLI");
    }

    [Fact]
    public async Task BadArgumentsGiveOneLineErrorAndExitCode2()
    {
        var ct = TestContext.Current.CancellationToken;
        using var p = StartCli("serve", "--port", "5000", "--echo", "--discard", "--netns", "unused");
        var stderr = await p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct).WaitAsync(Limit, ct);
        Assert.Equal(2, p.ExitCode);
        Assert.Equal("error: choose exactly one of --echo, --discard, --http", stderr.Trim());

        using var q = StartCli("connect", "--to", "nowhere", "--send-bytes", "1");
        var stderr2 = await q.StandardError.ReadToEndAsync(ct);
        await q.WaitForExitAsync(ct).WaitAsync(Limit, ct);
        Assert.Equal(2, q.ExitCode);
        Assert.Single(stderr2.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task ServeHttpAnswersCurlAndPrintsALinePerConnection()
    {
        RootRequirement.Require("ip", "curl");
        var ct = TestContext.Current.CancellationToken;
        using var ns = NetNamespace.Create();
        using var serve = StartCli("serve", "--netns", ns.Name, "--kernel-address", "198.18.0.1/24", "--address", "198.18.0.2",
            "--port", "80", "--http", "--count", "2");
        var first = await serve.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(Limit, ct);
        Assert.StartsWith("listening on 198.18.0.2:80 (http)", first, StringComparison.Ordinal);
        for (int i = 0; i < 2; i++)
        {
            var (code, page) = await Task.Run(() => ns.Exec("curl", "-sS", "--max-time", "20", "http://198.18.0.2/"), ct);
            Assert.Equal(0, code);
            Assert.StartsWith("Hello from SynAck", page, StringComparison.Ordinal);
        }
        var rest = await serve.StandardOutput.ReadToEndAsync(ct).WaitAsync(Limit, ct);
        await serve.WaitForExitAsync(ct).WaitAsync(Limit, ct);
        Assert.Equal(0, serve.ExitCode);
        var lines = rest.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^connection 198\.18\.0\.1:\d+ -> 198\.18\.0\.2:80 received=\d+ sent=\d+ end=closed retransmissions=\d+$", l));
    }

    [Fact]
    public async Task ConnectSendsToAKernelServerWithMatchingSha256()
    {
        RootRequirement.Require("ip", KernelPeer.Python);
        var ct = TestContext.Current.CancellationToken;
        using var ns = NetNamespace.Create();
        // The CLI gives the namespace 198.18.0.1 only when it starts, so the kernel server listens on every address.
        const int size = 3_000_000;
        using var server = await KernelPeer.ServerAsync(ns, 6000, 1000, "last", bindAddress: "0.0.0.0");
        using var connect = StartCli("connect", "--netns", ns.Name, "--to", "198.18.0.1:6000", "--send-bytes", "3000000", "--sha256",
            "--loss", "0.01", "--dup", "0.01", "--reorder", "0.01", "--seed", "3");
        var output = await connect.StandardOutput.ReadToEndAsync(ct).WaitAsync(Limit, ct);
        var errors = await connect.StandardError.ReadToEndAsync(ct).WaitAsync(Limit, ct);
        await connect.WaitForExitAsync(ct).WaitAsync(Limit, ct);
        Assert.True(connect.ExitCode == 0, $"exit {connect.ExitCode}: {output} {errors}");
        var theirs = await server.ResultAsync(Limit);

        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("connection ", StringComparison.Ordinal));
        Assert.Matches($@"^connection 198\.18\.0\.2:\d+ -> 198\.18\.0\.1:6000 sent={size} received=1000 end=closed retransmissions=\d+ ", line);
        var digests = Digests().Match(line);
        Assert.True(digests.Success, line);
        Assert.Equal(size, theirs.GetProperty("received").GetInt64());
        Assert.Equal(theirs.GetProperty("sha_received").GetString(), digests.Groups[1].Value);
        Assert.Equal(theirs.GetProperty("sha_sent").GetString(), digests.Groups[2].Value);
    }

    [Fact]
    public async Task ConnectToAPortWithoutListenerFailsWithExitCode1()
    {
        RootRequirement.Require("ip");
        var ct = TestContext.Current.CancellationToken;
        using var ns = NetNamespace.Create();
        using var connect = StartCli("connect", "--netns", ns.Name, "--to", "198.18.0.1:6001", "--send-bytes", "10");
        var output = await connect.StandardOutput.ReadToEndAsync(ct).WaitAsync(Limit, ct);
        await connect.WaitForExitAsync(ct).WaitAsync(Limit, ct);
        Assert.Equal(1, connect.ExitCode);
        Assert.Contains("end=refused", output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"sha256-sent=([0-9a-f]{64}) sha256-received=([0-9a-f]{64})")]
    private static partial Regex Digests();
}
