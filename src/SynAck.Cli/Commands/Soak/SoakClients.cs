using System.Diagnostics;
using System.Text.Json;

namespace SynAck.Cli.Commands.Soak;

/// <summary>
/// The kernel's side of the soak: a Python program in the namespace whose threads open connections to SynAck's
/// echo server for the whole run, each one a transfer (sent while reading the echo back, then half-closed), a
/// half-close before reading, an idle open-and-close, or a reset (SO_LINGER 0) after some bytes; each connection
/// ends as one JSON line with its result, the echo checked by length and SHA-256.
/// </summary>
internal static class SoakClients
{
    private const string Program = """
        import hashlib, json, random, socket, struct, sys, threading, time
        host, port, secs, clients, seed = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        deadline = time.time() + secs
        lock = threading.Lock()
        def log(rec):
            with lock:
                print(json.dumps(rec), flush=True)
        def read_all(s):
            h, n = hashlib.sha256(), 0
            while True:
                b = s.recv(65536)
                if not b:
                    return n, h.digest()
                h.update(b); n += len(b)
        def worker(i):
            rng = random.Random(seed * 1000 + i)
            n = 0
            while time.time() < deadline:
                n += 1
                mode = rng.choices(['transfer', 'halfclose', 'idle', 'reset'], [6, 2, 1, 1])[0]
                size = rng.choice([0, 1, 1460, 65536, rng.randrange(0, 4 << 20)])
                if mode == 'halfclose':
                    size = min(size, 32768)
                elif mode == 'idle':
                    size = 0
                data = rng.randbytes(size)
                rec = {'client': i, 'n': n, 'mode': mode, 'size': size}
                start = time.time()
                try:
                    s = socket.create_connection((host, port), timeout=120)
                    try:
                        if mode == 'reset':
                            s.sendall(data[:min(size, 20000)])
                            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                            rec['result'] = 'reset-sent'
                        elif mode == 'idle':
                            time.sleep(rng.random() * 0.2)
                            s.shutdown(socket.SHUT_WR)
                            got, _ = read_all(s)
                            rec['result'] = 'ok' if got == 0 else 'mismatch'
                        elif mode == 'halfclose':
                            s.sendall(data); s.shutdown(socket.SHUT_WR)
                            got, digest = read_all(s)
                            rec['result'] = 'ok' if got == size and digest == hashlib.sha256(data).digest() else 'mismatch'
                        else:
                            def send():
                                s.sendall(data); s.shutdown(socket.SHUT_WR)
                            t = threading.Thread(target=send); t.start()
                            got, digest = read_all(s)
                            t.join()
                            rec['result'] = 'ok' if got == size and digest == hashlib.sha256(data).digest() else 'mismatch'
                            rec['received'] = got
                    finally:
                        s.close()
                except Exception as e:
                    rec['result'] = 'error'; rec['error'] = repr(e)
                rec['seconds'] = round(time.time() - start, 3)
                log(rec)
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
        for t in threads: t.start()
        for t in threads: t.join()
        """;

    /// <summary>One client connection's end, as the kernel side saw it.</summary>
    internal sealed record Result(string Mode, long Size, string Outcome, string? Error, double Seconds);

    /// <summary>Runs the clients in <paramref name="netns"/> for <paramref name="duration"/>; each finished connection is passed to <paramref name="onResult"/>.</summary>
    public static async Task<int> RunAsync(string netns, string server, int port, TimeSpan duration, int clients, ulong seed,
        Action<Result> onResult, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "netns", "exec", netns, "python3", "-c", Program, server, port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            duration.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), clients.ToString(System.Globalization.CultureInfo.InvariantCulture), seed.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start python3 in the namespace");
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync(ct);
        while (await p.StandardOutput.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            onResult(new Result(r.GetProperty("mode").GetString()!, r.GetProperty("size").GetInt64(), r.GetProperty("result").GetString()!,
                r.TryGetProperty("error", out var e) ? e.GetString() : null, r.GetProperty("seconds").GetDouble()));
        }
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        string err = await stderr.ConfigureAwait(false);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"the kernel clients exited {p.ExitCode}: {err.Trim()}");
        return p.ExitCode;
    }
}
