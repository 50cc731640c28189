using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SynAck.Cli.Commands.Soak;

/// <summary>The soak's account: every connection's end on both sides, bytes checked, memory over time, and the verdict.</summary>
internal sealed class SoakReport(SoakRequest request)
{
    private readonly Dictionary<(string Mode, string Outcome), int> _ends = [];
    private readonly List<string> _errors = [];
    private readonly List<string> _checks = [];
    private long _bytesChecked;
    private double _slowest;

    public List<(TimeSpan At, long Heap, long WorkingSet, int Connections, int TimeWait, long Active)> Samples { get; } = [];

    public int KernelConnections { get; private set; }

    public bool Passed { get; private set; }

    /// <summary>The exception that ended SynAck's host loop, if it ended before the soak did.</summary>
    public string? HostFailure { get; set; }

    public TimeSpan Wall { get; private set; }

    private SoakServer? _server;
    private int _left;
    private string _faults = "";

    public void Add(SoakClients.Result r)
    {
        lock (_ends)
        {
            KernelConnections++;
            _ends[(r.Mode, r.Outcome)] = _ends.GetValueOrDefault((r.Mode, r.Outcome)) + 1;
            if (r.Outcome == "ok")
                _bytesChecked += r.Size;
            if (r.Error is not null && _errors.Count < 20)
                _errors.Add($"{r.Mode} {r.Size} B: {r.Error}");
            _slowest = Math.Max(_slowest, r.Seconds);
        }
    }

    public void Sample(TimeSpan at, long heap, long workingSet, int connections, int timeWait, long active)
    {
        lock (Samples)
            Samples.Add((at, heap, workingSet, connections, timeWait, active));
    }

    public void Finish(TimeSpan wall, SoakServer server, int connectionsLeft, string faults)
    {
        Wall = wall;
        _server = server;
        _left = connectionsLeft;
        _faults = faults;
        int count(string outcome) => _ends.Where(e => e.Key.Outcome == outcome).Sum(e => e.Value);
        int resetsSent = count("reset-sent");
        Check(HostFailure is null, HostFailure is null ? "SynAck's host ran to the end" : "SynAck's host stopped: " + HostFailure.Split('\n')[0]);
        Check(count("error") == 0, $"kernel clients: {count("error")} connections failed");
        Check(count("mismatch") == 0, $"kernel clients: {count("mismatch")} echoes differed from what was sent");
        // A client's reset can end a connection while it still waits in SynAck's accept queue: never accepted, not lost.
        long resetBeforeAccept = resetsSent - server.Reset - server.IdleAborted;
        Check(server.Accepted + resetBeforeAccept == KernelConnections,
            $"every connection accounted for: SynAck accepted {server.Accepted} + {resetBeforeAccept} reset before accept = {server.Accepted + resetBeforeAccept}, the kernel opened {KernelConnections}");
        Check(server.Clean + server.Reset + server.IdleAborted + server.Failed == server.Accepted,
            $"SynAck: {server.Clean} closed cleanly + {server.Reset} reset + {server.IdleAborted} idle-aborted + {server.Failed} failed = {server.Accepted} accepted");
        Check(server.IdleAborted <= resetsSent - server.Reset, $"SynAck gave up {server.IdleAborted} idle connections; at most {resetsSent - server.Reset} clients' resets went unseen");
        Check(server.Failed == 0, $"SynAck: {server.Failed} connections failed other than by the clients' resets");
        Check(server.Reset <= resetsSent, $"SynAck saw {server.Reset} resets, the clients sent {resetsSent}");
        Check(connectionsLeft == 0, $"SynAck's connection table at the end: {connectionsLeft} left");
        // Memory flat: after the first third (warm-up), the heap's peak in the last third is within 25 % of the middle third's.
        if (Samples.Count >= 6)
        {
            int third = Samples.Count / 3;
            long middle = Samples.Skip(third).Take(third).Max(s => s.Heap);
            long last = Samples.Skip(2 * third).Max(s => s.Heap);
            Check(last <= middle * 1.25, $"memory flat: heap peak {last / 1e6:F1} MB in the last third vs {middle / 1e6:F1} MB in the middle third");
        }
        Passed = _checks.All(c => c.StartsWith("ok ", StringComparison.Ordinal));
    }

    private void Check(bool ok, string what) => _checks.Add((ok ? "ok   " : "FAIL ") + what);

    public string ToText()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"synack soak: {Wall.TotalMinutes:F1} min wall, {request.Clients} kernel clients, loss {request.Loss} dup {request.Dup} reorder {request.Reorder} each way, seed {request.Seed}\n");
        sb.Append(inv, $"fault injector: {_faults}\n\n");
        sb.Append("kernel side, connections by mode and end:\n");
        foreach (var ((mode, outcome), n) in _ends.OrderBy(e => e.Key.Mode, StringComparer.Ordinal).ThenBy(e => e.Key.Outcome, StringComparer.Ordinal))
            sb.Append(inv, $"  {mode,-10} {outcome,-11} {n,8}\n");
        sb.Append(inv, $"  {"all",-22} {KernelConnections,8}\n");
        sb.Append(inv, $"bytes sent and echoed back byte-exact (SHA-256 checked by the clients): {_bytesChecked:N0} each way; slowest connection {_slowest:F1} s\n");
        if (_server is { } s)
            sb.Append(inv, $"SynAck side: {s.Accepted} accepted, {s.Clean} closed cleanly, {s.Reset} reset by the client, {s.IdleAborted} aborted after {SoakServer.IdleLimit.TotalSeconds:F0} s idle (their RST lost), {s.Failed} failed, {s.BytesEchoed:N0} bytes echoed; {_left} connections left\n");
        if (Samples.Count > 0)
        {
            sb.Append("memory (managed heap / working set, MB) and connections, over time:\n");
            int step = Math.Max(1, Samples.Count / 10);
            for (int i = 0; i < Samples.Count; i += step)
            {
                var m = Samples[i];
                sb.Append(inv, $"  {m.At.TotalMinutes,5:F1} min  heap {m.Heap / 1e6,7:F1}  ws {m.WorkingSet / 1e6,7:F1}  connections {m.Connections,4}  time-wait {m.TimeWait,4}\n");
            }
        }
        foreach (var e in _errors)
            sb.Append("  error: ").Append(e).Append('\n');
        if (_server is { } srv)
        {
            foreach (var f in srv.Failures.Take(20))
                sb.Append("  SynAck failure: ").Append(f).Append('\n');
        }
        sb.Append('\n');
        foreach (var c in _checks)
            sb.Append(c).Append('\n');
        sb.Append(Passed ? "verdict: passed\n" : "verdict: FAILED\n");
        return sb.ToString();
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("minutes", Wall.TotalMinutes);
            w.WriteNumber("clients", request.Clients);
            w.WriteNumber("loss", request.Loss);
            w.WriteNumber("kernel_connections", KernelConnections);
            w.WriteNumber("bytes_checked_each_way", _bytesChecked);
            w.WriteStartArray("ends");
            foreach (var ((mode, outcome), n) in _ends)
            {
                w.WriteStartObject();
                w.WriteString("mode", mode);
                w.WriteString("end", outcome);
                w.WriteNumber("count", n);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (_server is { } s)
            {
                w.WriteNumber("synack_accepted", s.Accepted);
                w.WriteNumber("synack_clean", s.Clean);
                w.WriteNumber("synack_reset", s.Reset);
                w.WriteNumber("synack_failed", s.Failed);
                w.WriteNumber("synack_idle_aborted", s.IdleAborted);
            }
            w.WriteNumber("connections_left", _left);
            w.WriteStartArray("heap_samples_bytes");
            foreach (var m in Samples)
                w.WriteNumberValue(m.Heap);
            w.WriteEndArray();
            w.WriteStartArray("checks");
            foreach (var c in _checks)
                w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteBoolean("passed", Passed);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
