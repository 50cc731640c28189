using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SynAck.Links;
using SynAck.Sockets;
using SynAck.Tcp;
using SynAck.Wire;

namespace SynAck.Cli.Commands.Soak;

/// <summary>
/// <c>synack soak</c> (root): SynAck serves echo over a TUN device with the fault injector on, while the kernel's
/// clients in a private namespace open, transfer, half-close and reset connections for the whole run. It ends
/// with every byte checked by the clients, every connection accounted for on both sides, the stack empty, the
/// heap sampled for growth, and a report; exit 0 only when all of that holds.
/// </summary>
internal static class SoakCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var minutes = new Option<double>("--minutes") { Description = "how long the clients keep opening connections", DefaultValueFactory = _ => 10 };
        var clients = new Option<int>("--clients") { Description = "kernel client threads running at once", DefaultValueFactory = _ => 8 };
        var loss = new Option<double>("--loss") { Description = "probability of losing a packet, each direction", DefaultValueFactory = _ => 0.01 };
        var dup = new Option<double>("--dup") { Description = "probability of duplicating a packet, each direction", DefaultValueFactory = _ => 0.005 };
        var reorder = new Option<double>("--reorder") { Description = "probability of holding a packet back, each direction", DefaultValueFactory = _ => 0.01 };
        var seed = new Option<ulong>("--seed") { Description = "seed of the stack, the fault injector and the clients' choices", DefaultValueFactory = _ => 1UL };
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var command = new Command("soak", "Soak SynAck over TUN (needs root): kernel clients open, transfer, half-close and reset under fault injection; every byte and connection checked")
        {
            minutes, clients, loss, dup, reorder, seed, json,
        };
        command.SetAction((r, ct) => ExecuteAsync(new SoakRequest(r.GetValue(minutes), r.GetValue(clients), r.GetValue(loss), r.GetValue(dup),
            r.GetValue(reorder), r.GetValue(seed), r.GetValue(json)), output, error, ct));
        return command;
    }

    internal static async Task<int> ExecuteAsync(SoakRequest request, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (!(request.Minutes > 0 && request.Minutes <= 24 * 60))
            return Usage.Fail(error, $"--minutes {request.Minutes.ToString(CultureInfo.InvariantCulture)} is not between 0 and 1440");
        if (request.Clients is < 1 or > 256)
            return Usage.Fail(error, $"--clients {request.Clients} is not between 1 and 256");
        foreach (var (name, p) in new[] { ("--loss", request.Loss), ("--dup", request.Dup), ("--reorder", request.Reorder) })
        {
            if (!(p >= 0 && p < 0.5))
                return Usage.Fail(error, $"{name} {p.ToString(CultureInfo.InvariantCulture)} is not a probability below 0.5");
        }
        if (Environment.UserName != "root")
        {
            error.WriteLine("error: soak needs root (a TUN device and a network namespace)");
            return 1;
        }

        string ns = $"synack-soak-{Environment.ProcessId}";
        var report = new SoakReport(request);
        var server = new SoakServer();
        var clock = Stopwatch.StartNew();
        try
        {
            ILink link = new TunSetup { Namespace = ns, KernelAddresses = ["198.18.0.1/24"] }.Open();
            var faults = new FaultSettings { Loss = request.Loss, Duplicate = request.Dup, Reorder = request.Reorder };
            link = new FaultInjectingLink(link, faults, faults, request.Seed);
            var host = new SynAckHost(link, IpAddress.Parse("198.18.0.2"),
                new SynAckHostOptions { Settings = new TcpSettings { Mtu = link.Mtu }, Seed = request.Seed, CountRetransmissions = true });
            await using (host.ConfigureAwait(false))
            {
                // The host's loop ending early is the worst finding a soak can make: say so at once, with the exception.
                _ = host.Completion.ContinueWith(t =>
                {
                    report.HostFailure = t.Exception?.InnerException?.ToString();
                    error.WriteLine("soak: SynAck's host stopped: " + report.HostFailure);
                }, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                var listener = host.Listen(7000, backlog: 512);
                using var stopServer = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var serving = server.RunAsync(listener, stopServer.Token);
                using var sampling = new PeriodicTimer(TimeSpan.FromSeconds(5));
                var sampler = Task.Run(async () =>
                {
                    while (await sampling.WaitForNextTickAsync(CancellationToken.None).ConfigureAwait(false))
                    {
                        var (connections, timeWait) = await host.InvokeAsync(s => (s.ConnectionCount, s.TimeWaitCount)).ConfigureAwait(false);
                        report.Sample(clock.Elapsed, GC.GetTotalMemory(false), Environment.WorkingSet, connections, timeWait, server.Active);
                        if (report.Samples.Count % 12 == 0)
                            error.WriteLine($"soak: {clock.Elapsed.TotalMinutes:F1} min, {report.KernelConnections} connections ended, {server.Accepted} accepted, heap {GC.GetTotalMemory(false) / 1e6:F1} MB");
                    }
                }, CancellationToken.None);

                await SoakClients.RunAsync(ns, "198.18.0.2", 7000, TimeSpan.FromMinutes(request.Minutes), request.Clients, request.Seed, report.Add, ct).ConfigureAwait(false);
                // Connections still open end by themselves within the idle limit (a lost RST leaves one half-open).
                for (int i = 0; i < 10 * (SoakServer.IdleLimit.TotalSeconds + 30) && server.Active > 0; i++)
                    await Task.Delay(100, ct).ConfigureAwait(false);
                await stopServer.CancelAsync().ConfigureAwait(false);
                await serving.ConfigureAwait(false);
                sampling.Dispose();
                await sampler.ConfigureAwait(false);
                report.Finish(clock.Elapsed, server, await host.InvokeAsync(s => s.ConnectionCount).ConfigureAwait(false), faults: link is FaultInjectingLink f ? $"inbound {f.Inbound}; outbound {f.Outbound}" : "");
                listener.Dispose();
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            error.WriteLine("error: soak stopped: " + e.Message);
            return 1;
        }
        finally
        {
            if (IpCommand.Run("netns", "del", ns) is (not 0, var why) && !why.Contains("No such file", StringComparison.Ordinal))
                error.WriteLine($"warning: could not delete network namespace {ns}: {why}");
        }
        output.Write(request.Json ? report.ToJson() : report.ToText());
        return report.Passed ? 0 : 1;
    }
}

/// <summary>What <c>synack soak</c> was asked to do.</summary>
internal sealed record SoakRequest(double Minutes, int Clients, double Loss, double Dup, double Reorder, ulong Seed, bool Json);
