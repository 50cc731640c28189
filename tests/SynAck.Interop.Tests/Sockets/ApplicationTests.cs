using System.Diagnostics;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using SynAck.Interop.Tests.Capture;
using SynAck.Sockets;

namespace SynAck.Interop.Tests.Sockets;

/// <summary>SynAck with real programs over TUN: curl, Python's http.server, 200 concurrent kernel clients, and tshark.</summary>
public sealed class ApplicationTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("synack-sockets-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task CurlGetsSynAcksHttpReply()
    {
        RootRequirement.Require("ip", "curl");
        var ct = TestContext.Current.CancellationToken;
        await using var tun = TunHost.Create();
        await using var listener = tun.Host.Listen(80);
        var serve = Task.Run(async () =>
        {
            await using var c = await listener.AcceptAsync(ct);
            var buffer = new byte[8192];
            int have = 0;
            while (buffer.AsSpan(0, have).IndexOf("\r\n\r\n"u8) < 0)
            {
                int n = await c.ReadAsync(buffer.AsMemory(have), ct);
                Assert.NotEqual(0, n);
                have += n;
            }
            var body = "hello from SynAck\n"u8.ToArray();
            await c.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), ct);
            await c.WriteAsync(body, ct);
            c.CompleteWrites();
            while (await c.ReadAsync(buffer, ct) > 0)
            {
            }
            return Encoding.ASCII.GetString(buffer, 0, have);
        }, ct);
        var (code, output) = await Task.Run(() => tun.Namespace.Exec("curl", "-sS", "--max-time", "20", "http://198.18.0.2/"), ct);
        Assert.Equal(0, code);
        Assert.Equal("hello from SynAck\n", output);
        var request = await serve.WaitAsync(Limit, ct);
        Assert.StartsWith("GET / HTTP/1.1\r\n", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpClientOverSynAckGetsAPageFromPythonHttpServer()
    {
        RootRequirement.Require("ip", KernelPeer.Python);
        var ct = TestContext.Current.CancellationToken;
        var page = "served by the kernel's TCP to SynAck " + Guid.NewGuid();
        await File.WriteAllTextAsync(Path.Combine(_dir, "page.txt"), page, ct);
        await using var tun = TunHost.Create();
        using var server = tun.Namespace.Start(KernelPeer.Python, "-u", "-m", "http.server", "8000", "--bind", "198.18.0.1", "--directory", _dir);
        try
        {
            // Ready once a SynAck connect is no longer refused.
            await Eventually.HoldsAsync(async () =>
            {
                try
                {
                    await using var probe = await tun.Host.ConnectAsync(TunHost.Kernel(8000), ct);
                    return true;
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
                {
                    return false;
                }
            }, "python's http.server listening");

            using var client = new HttpClient(SynAckHttp.CreateHandler(tun.Host)) { Timeout = Limit };
            var response = await client.GetAsync("http://198.18.0.1:8000/page.txt", ct);
            Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
            Assert.Equal(page, await response.Content.ReadAsStringAsync(ct));
            var missing = await client.GetAsync("http://198.18.0.1:8000/nothing-here", ct);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(ct);
        }
    }

    [Fact]
    public async Task TwoHundredConcurrentKernelClientsAreServedAndNothingLeaks()
    {
        RootRequirement.Require("ip", KernelPeer.Python);
        var ct = TestContext.Current.CancellationToken;
        const int clients = 200;
        await using var tun = TunHost.Create();
        await using var listener = tun.Host.Listen(7, backlog: 256);
        var echo = Task.Run(async () =>
        {
            var running = new List<Task>();
            for (int i = 0; i < clients; i++)
            {
                var c = await listener.AcceptAsync(ct);
                running.Add(Task.Run(async () =>
                {
                    await using (c)
                    {
                        var buffer = new byte[16384];
                        int n;
                        while ((n = await c.ReadAsync(buffer, ct)) > 0)
                            await c.WriteAsync(buffer.AsMemory(0, n), ct);
                        c.CompleteWrites();
                        await c.WritesClosed;
                    }
                }, ct));
            }
            await Task.WhenAll(running);
        }, ct);

        using var python = tun.Namespace.Start(KernelPeer.Python, "-c", """
            import socket, threading, os
            N = 200; ok = [0]; errors = []; lock = threading.Lock(); go = threading.Event()
            def one(i):
                try:
                    go.wait()
                    s = socket.create_connection(('198.18.0.2', 7), timeout=60)
                    d = os.urandom(20000 + i); s.sendall(d); s.shutdown(socket.SHUT_WR)
                    got = bytearray()
                    while True:
                        b = s.recv(65536)
                        if not b: break
                        got += b
                    s.close()
                    with lock:
                        if got == d: ok[0] += 1
                        else: errors.append('mismatch %d' % i)
                except Exception as e:
                    with lock: errors.append(repr(e))
            ts = [threading.Thread(target=one, args=(i,)) for i in range(N)]
            for t in ts: t.start()
            go.set()
            for t in ts: t.join()
            print(ok[0], errors[:3], flush=True)
            """);
        var output = await python.StandardOutput.ReadToEndAsync(ct).WaitAsync(Limit, ct);
        await python.WaitForExitAsync(ct);
        Assert.StartsWith($"{clients} []", output.Trim(), StringComparison.Ordinal);
        await echo.WaitAsync(Limit, ct);
        await Eventually.HoldsAsync(async () => await tun.Host.InvokeAsync(s => s.ConnectionCount == 0 && s.HandleCount == 0 && s.TimeWaitCount == 0),
            "SynAck releasing all 200 connections");
        Assert.Equal(clients, tun.KernelSockets("time-wait", 7).Length);
    }

    [Fact]
    public async Task PcapngOfATransferOpensInTsharkWithoutChecksumErrors()
    {
        RootRequirement.Require("ip", "tshark", KernelPeer.Python);
        var ct = TestContext.Current.CancellationToken;
        var file = Path.Combine(_dir, "transfer.pcapng");
        const long size = 256 * 1024;
        await using (var tun = TunHost.Create(pcap: file))
        {
            await using var listener = tun.Host.Listen(5007);
            using var peer = KernelPeer.Client(tun.Namespace, 5007, size, "first");
            var server = await listener.AcceptAsync(ct).AsTask().WaitAsync(Limit, ct);
            var mine = await SynAckSide.RunAsync(server, size).WaitAsync(Limit, ct);
            var theirs = await peer.ResultAsync(Limit);
            Assert.Equal(mine.ShaSent, theirs.GetProperty("sha_received").GetString());
            await Eventually.HoldsAsync(async () => await tun.Host.InvokeAsync(s => s.ConnectionCount == 0), "the close finishing");
        }

        string[] fields = ["frame.packet_flags_direction", "ip.src", "ip.checksum.status", "tcp.checksum.status", "tcp.flags.syn", "tcp.len"];
        var rows = TsharkFields.Read(file, fields, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-Y", "tcp");
        Assert.True(rows.Count > 100, $"only {rows.Count} TCP packets captured");
        // Wireshark's checksum status values: 0 Bad, 1 Good.
        Assert.All(rows, r => Assert.Equal("1", r["ip.checksum.status"]));
        Assert.All(rows, r => Assert.Equal("1", r["tcp.checksum.status"]));
        Assert.Contains(rows, r => r["ip.src"] == "198.18.0.2" && TsharkFields.Number(r["frame.packet_flags_direction"]) == 2);
        Assert.Contains(rows, r => r["ip.src"] == "198.18.0.1" && TsharkFields.Number(r["frame.packet_flags_direction"]) == 1);
        long payload = rows.Where(r => r["ip.src"] == "198.18.0.2").Sum(r => TsharkFields.Number(r["tcp.len"]));
        Assert.True(payload >= size, $"SynAck's captured payload {payload} < {size}");
    }
}
