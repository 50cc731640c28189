using System.Text.Json;
using System.Text.RegularExpressions;
using SynAck.Tcp;

namespace SynAck.Interop.Tests.Sockets;

/// <summary>Keep-alive (RFC 1122 §4.2.3.6) between SynAck and the kernel's TCP over TUN.</summary>
public sealed partial class KernelKeepAliveTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(40);

    // A kernel client with keep-alive after 1 s idle, probes 1 s apart, dead after 3 unanswered: it connects, stays
    // silent for the given seconds, then sends "ping" and expects "pong". Had its probes gone unanswered, the kernel
    // would have ended the connection after 1 + 3 × 1 s with ETIMEDOUT.
    private const string Script = """
        import socket, sys, time, json
        port, idle = int(sys.argv[1]), float(sys.argv[2])
        s = socket.create_connection(('198.18.0.2', port), timeout=30)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
        print('CONNECTED', flush=True)
        time.sleep(idle)
        out = {}
        try:
            s.sendall(b'ping')
            out['answer'] = s.recv(4).decode()
        except OSError as e:
            out['error'] = '%s %s' % (type(e).__name__, e.errno)
        s.close()
        print(json.dumps(out), flush=True)
        """;

    [Fact]
    public async Task KernelKeepAliveProbesToSynAckAreAnswered()
    {
        RootRequirement.Require("ip", "ss", KernelPeer.Python);
        var ct = TestContext.Current.CancellationToken;
        const ushort port = 5031;
        const int idleSeconds = 8;
        await using var tun = TunHost.Create();
        await using var listener = tun.Host.Listen(port);
        using var process = tun.Namespace.Start(KernelPeer.Python, "-c", Script, port.ToString(System.Globalization.CultureInfo.InvariantCulture), idleSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var stdout = process.StandardOutput;
        var line = await stdout.ReadLineAsync(ct).AsTask().WaitAsync(Limit, ct);
        Assert.Equal("CONNECTED", line);
        await using var server = await listener.AcceptAsync(ct).AsTask().WaitAsync(Limit, ct);

        // Midway, the kernel's view: its keep-alive timer runs and no probe is outstanding (answered ones reset the count).
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds / 2.0 + 0.5), ct);
        var (code, ss) = tun.Namespace.Exec("ss", "-tnoH", "state", "established", "dport", "=", ":" + port);
        Assert.Equal(0, code);
        TestContext.Current.TestOutputHelper?.WriteLine($"kernel socket after {idleSeconds / 2.0 + 0.5} s idle: {ss.Trim()}");
        var timer = KeepAliveTimer().Match(ss);
        Assert.True(timer.Success, $"no keep-alive timer in: {ss}");
        Assert.Equal("0", timer.Groups["probes"].Value);

        var ping = new byte[4];
        int got = 0;
        while (got < 4)
        {
            int n = await server.ReadAsync(ping.AsMemory(got), ct).AsTask().WaitAsync(Limit, ct);
            Assert.NotEqual(0, n);
            got += n;
        }
        Assert.Equal("ping"u8.ToArray(), ping);
        await server.WriteAsync("pong"u8.ToArray(), ct).AsTask().WaitAsync(Limit, ct);

        await process.WaitForExitAsync(ct).WaitAsync(Limit, ct);
        var result = JsonDocument.Parse((await stdout.ReadToEndAsync(ct)).Trim().Split('\n')[^1]).RootElement;
        Assert.False(result.TryGetProperty("error", out var error), $"the kernel connection failed: {error}");
        Assert.Equal("pong", result.GetProperty("answer").GetString());

        // SynAck's view: each probe (SEQ = RCV.NXT − 1, no data) failed the sequence test and was answered with an ACK;
        // none was held back by the per-connection limit (probes come 1 s apart, the limit is one per 500 ms).
        var (probes, held) = await tun.Host.InvokeAsync(s => (s.Counters.Drops(TcpDropReason.OutOfWindow), s.Counters.InvalidAcksLimited));
        TestContext.Current.TestOutputHelper?.WriteLine($"probes answered by SynAck: {probes}, held back: {held}");
        Assert.InRange(probes, idleSeconds - 3, idleSeconds + 1);
        Assert.Equal(0, held);
    }

    [Fact]
    public async Task SynAckKeepAliveProbesToTheKernelAreAnswered()
    {
        RootRequirement.Require("ip", KernelPeer.Python);
        var ct = TestContext.Current.CancellationToken;
        const ushort port = 5032;
        await using var tun = TunHost.Create();
        // The kernel server sends nothing and reads to the end.
        using var peer = await KernelPeer.ServerAsync(tun.Namespace, port, 0, "last");
        await using var client = await tun.Host.ConnectAsync(TunHost.Kernel(port), ct).AsTask().WaitAsync(Limit, ct);
        await client.SetKeepAliveAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 3).WaitAsync(Limit, ct);

        // Unanswered, the third probe would end the connection (TimedOut) and the count would stop at 3.
        long probes = 0;
        var deadline = DateTime.UtcNow + Limit;
        while (probes < 6 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, ct);
            probes = await tun.Host.InvokeAsync(s => s.Counters.KeepAliveProbes).WaitAsync(Limit, ct);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"keep-alive probes sent by SynAck and answered: {probes}");
        Assert.True(probes >= 6, $"{probes} probes, error {client.Error}");
        Assert.Equal(TcpError.None, client.Error);

        await client.WriteAsync("after the probes"u8.ToArray(), ct).AsTask().WaitAsync(Limit, ct);
        client.CompleteWrites();
        var result = await peer.ResultAsync(Limit);
        Assert.Equal(16, result.GetProperty("received").GetInt64());
    }

    [GeneratedRegex(@"timer:\(keepalive,[^,]+,(?<probes>\d+)\)")]
    private static partial Regex KeepAliveTimer();
}
