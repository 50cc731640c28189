using System.Diagnostics;
using System.Globalization;
using System.Text;
using SynAck.Simulation;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Soak;

/// <summary>
/// The soak of issue B: thousands of connections among several hosts over hostile links, each direction's bytes
/// checked by SHA-256, and every connection accounted for at the end.
/// </summary>
/// <remarks>
/// Data sizes: each direction of every connection draws its size uniformly from 0..1 MiB (one draw in twenty is
/// exactly 0 bytes, so empty directions are covered too). On two cores the whole run takes well under a minute
/// of wall time, so the data did not need scaling down. Set SYNACK_SOAK_SEED to replay a failing seed (the failure
/// message prints it), SYNACK_SOAK_TRACE=index to get one connection's packets and events in the report, and
/// SYNACK_SOAK_REPORT=path to write the report to a file.
/// </remarks>
public sealed class SoakTests(ITestOutputHelper output)
{
    private const int HostCount = 5;
    private const int Connections = 2_000;
    private const int MaxBytes = 1024 * 1024;
    private static readonly Duration StartWindow = Duration.FromSeconds(60);

    private sealed record Plan(int Index, int Client, int Server, Instant Start, long Up, long Down, ulong UpSeed, ulong DownSeed);

    /// <summary>
    /// Issue B's acceptance: every connection ends CLOSED (through TIME-WAIT on the active closer) or with a reported
    /// error, none is stuck, every clean exchange is intact, no illegal transition, and the connection and TIME-WAIT
    /// tables are empty at the end. Stricter than that, since with at most 20 % loss an established connection has
    /// no business failing (it takes 16 consecutive losses of one segment or its ACK): only handshakes may time out,
    /// and in at most one connection in a hundred.
    /// </summary>
    [Fact]
    public void ThousandsOfConnectionsOverHostileLinksAllEndCleanly() => Soak(strict: true);

    private void Soak(bool strict)
    {
        ulong seed = 20_261_204;
        string? env = Environment.GetEnvironmentVariable("SYNACK_SOAK_SEED");
        if (!string.IsNullOrWhiteSpace(env))
            seed = ulong.Parse(env, CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        string report = Run(seed, strict, out bool ok);
        output.WriteLine(report);
        output.WriteLine($"wall time {clock.Elapsed.TotalSeconds:0.0} s");
        string? reportPath = Environment.GetEnvironmentVariable("SYNACK_SOAK_REPORT");
        if (!string.IsNullOrWhiteSpace(reportPath))
            File.WriteAllText(reportPath, report + $"wall time {clock.Elapsed.TotalSeconds:0.0} s\n");
        Assert.True(ok, $"soak failed with seed {seed} (replay with SYNACK_SOAK_SEED={seed}):\n{report}");
    }

    private static string Run(ulong seed, bool strict, out bool ok)
    {
        var net = new Network(seed);
        var random = net.CreateRandom("soak plan");
        var settings = TcpSettings.Default;
        var addresses = Enumerable.Range(0, HostCount).Select(i => IpAddress.V4(198, 18, 1, (byte)(i + 1))).ToArray();
        var plans = new List<Plan>(Connections);
        var byTuple = new Dictionary<(IpAddress, ushort, IpAddress), Plan>();
        var hosts = new SoakHost[HostCount];
        for (int i = 0; i < HostCount; i++)
        {
            // The server side looks its plan up by the client's address and port (the 4-tuple's client half).
            hosts[i] = new SoakHost($"h{i}", addresses[i], settings, seed * 31 + (ulong)i, id =>
            {
                var p = byTuple[(id.RemoteAddress, id.RemotePort, id.LocalAddress)];
                return (p.Down, p.DownSeed);
            });
            net.AddHost(hosts[i].Name, addresses[i], hosts[i]);
        }

        SoakTrace? trace = null;
        string? traceIndex = Environment.GetEnvironmentVariable("SYNACK_SOAK_TRACE");
        if (!string.IsNullOrWhiteSpace(traceIndex))
        {
            trace = new SoakTrace();
            net.AddObserver(trace);
            foreach (var h in hosts)
                h.Stack.AddObserver(trace);
        }

        var links = new StringBuilder();
        for (int a = 0; a < HostCount; a++)
        {
            for (int b = a + 1; b < HostCount; b++)
            {
                var ab = RandomProfile(random);
                var ba = RandomProfile(random);
                net.Connect(hosts[a].Name, hosts[b].Name, ab, ba);
                links.AppendLine(CultureInfo.InvariantCulture, $"  h{a}->h{b} {Describe(ab)}");
                links.AppendLine(CultureInfo.InvariantCulture, $"  h{b}->h{a} {Describe(ba)}");
            }
        }

        for (int i = 0; i < Connections; i++)
        {
            int client = random.NextInt32(0, HostCount);
            int server = (client + random.NextInt32(1, HostCount)) % HostCount;
            var start = Instant.Zero + Duration.FromNanoseconds((long)random.NextBelow((ulong)StartWindow.Nanoseconds));
            var plan = new Plan(i, client, server, start, Size(random), Size(random), random.NextUInt64(), random.NextUInt64());
            plans.Add(plan);
            net.At(start, () =>
            {
                var host = hosts[plan.Client];
                var peer = host.Open(addresses[plan.Server], plan.Up, plan.UpSeed, net.Now);
                byTuple[(peer.Id.LocalAddress, peer.Id.LocalPort, peer.Id.RemoteAddress)] = plan;
                if (trace is not null && plan.Index == int.Parse(traceIndex!, CultureInfo.InvariantCulture))
                    trace.Client = peer.Id;
                host.MarkDirty(peer);
            });
        }

        // Phase 1: every application finishes its exchange (or learns of an error).
        var limit = Instant.Zero + Duration.FromSeconds(3_600);
        bool finished = net.RunUntil(() => net.Now > Instant.Zero + StartWindow && OpenedAll(hosts) && hosts.All(h => h.AllDone), limit);
        // Phase 2: the stacks finish their closes and TIME-WAIT runs out.
        bool drained = net.RunUntil(() => hosts.All(h => h.Stack.ConnectionCount == 0 && h.Stack.TimeWaitCount == 0), net.Now + Duration.FromSeconds(600));

        var problems = new List<string>();
        if (!finished)
            problems.Add("not every application finished its exchange by " + limit);
        if (!drained)
            problems.Add("connections or TIME-WAIT entries were left: " + string.Join(", ", hosts.Select(h => $"{h.Name} conn={h.Stack.ConnectionCount} tw={h.Stack.TimeWaitCount}")));

        int clean = 0, errors = 0, lastAckResets = 0;
        long totalBytes = 0;
        var errorKinds = new Dictionary<string, int>();
        var errorDetails = new List<string>();
        foreach (var host in hosts)
        {
            foreach (var peer in host.Peers)
            {
                if (!peer.Done)
                    problems.Add($"stuck on {host.Name}: {peer}");
                else if (peer.Unexpected)
                    problems.Add($"closed without error or Close on {host.Name}: {peer}");
            }
            foreach (var v in host.Checker.Violations)
                problems.Add($"{host.Name}: {v}");
        }
        // Every 4-tuple's transitions, per host, to check how each connection ended.
        var transitions = hosts.Select(h => h.Checker.Seen.GroupBy(t => t.Connection).ToDictionary(g => g.Key, g => g.Select(t => t.Transition).ToList())).ToArray();
        foreach (var (host, byId) in hosts.Zip(transitions))
        {
            foreach (var (id, list) in byId)
            {
                if (list[^1].To != TcpState.Closed && id.RemotePort != 0)
                    problems.Add($"{host.Name}: {id} ended in {list[^1].To}");
            }
        }
        foreach (var plan in plans)
        {
            var client = hosts[plan.Client].Peers.FirstOrDefault(p => byTuple.TryGetValue((p.Id.LocalAddress, p.Id.LocalPort, p.Id.RemoteAddress), out var q) && q == plan && p.Id.RemotePort == SoakHost.Port);
            if (client is null)
            {
                problems.Add($"connection {plan.Index} never opened");
                continue;
            }
            var server = hosts[plan.Server].Peers.LastOrDefault(p => p.Id.RemoteAddress == client.Id.LocalAddress && p.Id.RemotePort == client.Id.LocalPort);
            var error = client.Error != TcpError.None ? client.Error : client.LateError;
            if (server is not null && error == TcpError.None)
                error = server.Error != TcpError.None ? server.Error : server.LateError;
            bool intact = server is not null && client.Done && server.Done
                && client.Sent == plan.Up && server.Sent == plan.Down && server.Received == plan.Up && client.Received == plan.Down
                && client.SentDigest!.AsSpan().SequenceEqual(server.ReceivedDigest) && server.SentDigest!.AsSpan().SequenceEqual(client.ReceivedDigest);
            if (error != TcpError.None || server is null || !client.Done || !server.Done)
            {
                errors++;
                string key = server is null ? $"client {error} (never accepted)" : error.ToString();
                // TCP's own limit, not a fault: the ACK of a FIN was lost and the FIN's retransmission timer had backed
                // off beyond 2MSL (RTO may reach 120 s, TIME-WAIT lasts 60 s), so the peer's TIME-WAIT was over when the
                // FIN came again and it was answered with RST.
                if (intact && error == TcpError.Reset && (EndedInLastAckReset(transitions[plan.Client], client.Id) && WentThroughTimeWait(transitions[plan.Server], server!.Id)
                    || EndedInLastAckReset(transitions[plan.Server], server!.Id) && WentThroughTimeWait(transitions[plan.Client], client.Id)))
                {
                    key = "reset in LAST-ACK or CLOSING after the peer's TIME-WAIT ran out (data intact)";
                    lastAckResets++;
                    totalBytes += plan.Up + plan.Down;
                }
                errorKinds[key] = errorKinds.GetValueOrDefault(key) + 1;
                if (errorDetails.Count < 10)
                {
                    errorDetails.Add($"error on connection {plan.Index} (up {plan.Up}, down {plan.Down}): client {client}: {string.Join(" ", hosts[plan.Client].Checker.Seen.Where(t => t.Connection == client.Id).Select(t => $"{t.Transition.To}/{t.Transition.Cause}"))}");
                    if (server is not null)
                        errorDetails.Add($"    server {server}: {string.Join(" ", hosts[plan.Server].Checker.Seen.Where(t => t.Connection == server.Id).Select(t => $"{t.Transition.To}/{t.Transition.Cause}"))}");
                }
                continue;
            }
            // A clean exchange: each side received exactly what the other sent.
            if (!intact)
            {
                problems.Add($"data mismatch on connection {plan.Index}: client {client} / server {server}");
                continue;
            }
            // The active closer (or both, after a simultaneous close) held the 4-tuple in TIME-WAIT until 2MSL ran out.
            bool timeWait = transitions[plan.Client][client.Id].Any(t => t.Cause == TcpTransitionCause.TimeWaitExpired)
                || transitions[plan.Server][server.Id].Any(t => t.Cause == TcpTransitionCause.TimeWaitExpired);
            if (!timeWait)
                problems.Add($"connection {plan.Index} closed cleanly but neither side went through TIME-WAIT");
            clean++;
            totalBytes += plan.Up + plan.Down;
        }
        if (strict)
        {
            int established = errorKinds.Where(kv => !kv.Key.Contains("never accepted", StringComparison.Ordinal)).Sum(kv => kv.Value) - lastAckResets;
            if (established > 0)
                problems.Add($"{established} established connections failed");
            if (errors > Connections / 100)
                problems.Add($"{errors} connections failed: more than one in a hundred");
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"seed {seed}: {Connections} connections among {HostCount} hosts, virtual time {net.Now}");
        report.AppendLine(CultureInfo.InvariantCulture, $"clean {clean} ({totalBytes:N0} bytes verified by SHA-256), failed with an error {errors}: {string.Join(", ", errorKinds.Select(kv => $"{kv.Key} {kv.Value}"))}");
        report.AppendLine(CultureInfo.InvariantCulture, $"network: {net.Counters}");
        foreach (var h in hosts)
        {
            var c = h.Stack.Counters;
            report.AppendLine(CultureInfo.InvariantCulture, $"{h.Name}: active {c.ActiveOpens} passive {c.PassiveOpens} fails {c.AttemptFails} resets {c.EstabResets} in {c.InSegs} out {c.OutSegs} retrans {c.RetransSegs} inErrs {c.InErrs} outRsts {c.OutRsts} transitions {h.Checker.Seen.Count}");
        }
        report.Append(links);
        foreach (var d in errorDetails)
            report.AppendLine(d);
        foreach (var p in problems.Take(40))
            report.AppendLine(p);
        if (problems.Count > 40)
            report.AppendLine(CultureInfo.InvariantCulture, $"... and {problems.Count - 40} more problems");
        if (trace is not null)
            report.Append(trace.Text);
        ok = problems.Count == 0;
        return report.ToString();
    }

    /// <summary>Reset while waiting for the ACK of its own FIN (LAST-ACK, or CLOSING after a simultaneous close).</summary>
    private static bool EndedInLastAckReset(Dictionary<ConnectionId, List<TcpTransition>> transitions, ConnectionId id)
        => transitions.TryGetValue(id, out var list)
            && (list[^1] == new TcpTransition(TcpState.LastAck, TcpState.Closed, TcpTransitionCause.RcvRst)
                || list[^1] == new TcpTransition(TcpState.Closing, TcpState.Closed, TcpTransitionCause.RcvRst));

    private static bool WentThroughTimeWait(Dictionary<ConnectionId, List<TcpTransition>> transitions, ConnectionId id)
        => transitions.TryGetValue(id, out var list) && list.Any(t => t.Cause == TcpTransitionCause.TimeWaitExpired);

    private static bool OpenedAll(SoakHost[] hosts)
    {
        int n = 0;
        foreach (var h in hosts)
            n += h.Opened;
        return n == Connections;
    }

    private static long Size(Xoshiro256StarStar random)
        => random.NextBelow(20) == 0 ? 0 : (long)random.NextBelow(MaxBytes + 1);

    private static LinkProfile RandomProfile(Xoshiro256StarStar random) => new()
    {
        Latency = Duration.FromMicroseconds(random.NextInt32(1_000, 40_000)),
        Jitter = Duration.FromMicroseconds(random.NextInt32(0, 5_000)),
        BandwidthBitsPerSecond = random.NextInt32(10, 1_000) * 1_000_000L,
        Loss = random.NextDouble() * 0.20,
        Duplication = random.NextDouble() * 0.05,
        Reordering = random.NextDouble() * 0.10,
        ReorderDelay = Duration.FromMicroseconds(random.NextInt32(1_000, 30_000)),
        Corruption = random.NextDouble() * 0.02,
    };

    private static string Describe(LinkProfile p)
        => string.Create(CultureInfo.InvariantCulture, $"latency {p.Latency} jitter {p.Jitter} {p.BandwidthBitsPerSecond / 1_000_000} Mbit/s loss {p.Loss:P1} dup {p.Duplication:P1} reorder {p.Reordering:P1} corrupt {p.Corruption:P1}");
}
