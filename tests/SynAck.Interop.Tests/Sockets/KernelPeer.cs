using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SynAck.Interop.Tests.Sockets;

/// <summary>
/// A Python socket program in the namespace: the kernel's TCP as the peer. As a server it prints READY once listening;
/// either way it prints one JSON line at the end (bytes received, SHA-256 of what it sent and received, any error).
/// </summary>
internal sealed class KernelPeer : IDisposable
{
    public const string Python = "/usr/bin/python3";

    // Close modes: "first" shuts down writing after sending (the kernel's FIN goes first); "last" sends, reads to the
    // end, then closes; "linger0" sends, waits for one byte back, then closes with SO_LINGER 0 (RST);
    // "echo1" answers the first bytes it gets with one byte and then reads on (to see a reset).
    private const string Script = """
        import socket, sys, hashlib, os, threading, json, struct
        role, host, port, nsend, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
        out = {}
        try:
            if role == 'server':
                ls = socket.socket()
                ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                ls.bind((host, port)); ls.listen(16)
                print('READY', flush=True)
                s, _ = ls.accept(); ls.close()
            else:
                s = socket.create_connection((host, port), timeout=30)
                s.settimeout(None)
        except ConnectionRefusedError:
            print(json.dumps({'error': 'ECONNREFUSED'}), flush=True); sys.exit(0)
        sent = hashlib.sha256()
        def writer():
            try:
                left = nsend
                while left > 0:
                    b = os.urandom(min(left, 1 << 20)); sent.update(b); s.sendall(b); left -= len(b)
                if mode == 'first':
                    s.shutdown(socket.SHUT_WR)
            except OSError as e:
                out['write_error'] = type(e).__name__
        t = threading.Thread(target=writer); t.start()
        if mode == 'linger0':
            t.join()
            s.recv(1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            s.close()
            print(json.dumps({'closed': 'linger0'}), flush=True); sys.exit(0)
        h = hashlib.sha256(); n = 0; answered = False
        try:
            while True:
                b = s.recv(1 << 20)
                if not b: break
                h.update(b); n += len(b)
                if mode == 'echo1' and not answered:
                    s.sendall(b'k'); answered = True
            out['eof'] = True
        except ConnectionResetError:
            out['error'] = 'ECONNRESET'
        t.join()
        out.update(received=n, sha_received=h.hexdigest(), sha_sent=sent.hexdigest())
        s.close()
        print(json.dumps(out), flush=True)
        """;

    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private KernelPeer(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static KernelPeer Client(NetNamespace ns, ushort port, long sendBytes, string mode)
        => new(ns.Start(Python, "-c", Script, "client", "198.18.0.2", Num(port), Num(sendBytes), mode));

    /// <summary>Starts a server on 198.18.0.1:<paramref name="port"/> and returns once it listens.</summary>
    public static async Task<KernelPeer> ServerAsync(NetNamespace ns, ushort port, long sendBytes, string mode, string bindAddress = "198.18.0.1")
    {
        var psi = ns.Start(Python, "-c", Script, "server", bindAddress, Num(port), Num(sendBytes), mode);
        var line = await psi.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        if (line != "READY")
            Assert.Fail($"the kernel server did not start: {line} {await psi.StandardError.ReadToEndAsync()}");
        return new KernelPeer(psi);
    }

    /// <summary>Waits for the program to end and returns its JSON line.</summary>
    public async Task<JsonElement> ResultAsync(TimeSpan limit)
    {
        try
        {
            await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the kernel peer did not finish within {limit.TotalSeconds} s");
        }
        var text = (await _stdout).Trim();
        var last = text.Split('\n')[^1];
        if (_process.ExitCode != 0 || !last.StartsWith('{'))
            Assert.Fail($"the kernel peer failed ({_process.ExitCode}): {text} {await _stderr}");
        return JsonDocument.Parse(last).RootElement;
    }

    /// <summary>Skips (fails under CI) when python3-scapy, which crafts the tests' odd packets, is missing.</summary>
    public static void RequireScapy()
    {
        if (NetNamespace.Run(Python, "-c", "import scapy.all").ExitCode == 0)
            return;
        if (RootRequirement.InCi)
            Assert.Fail("python3-scapy is not installed; ./test.sh installs it");
        Assert.Skip("python3-scapy is not installed; ./test.sh installs it when run as root");
    }

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
