using System.CommandLine;
using System.Net.Sockets;
using Spectre.Console;
using SynAck.Analysis.Benchmark.Perf;

namespace SynAck.Cli.Commands;

/// <summary>
/// <c>synack bench throughput|connections|timewait|idle|alloc|tun|loss|http|all</c>: each benchmark of performance.md,
/// SynAck beside the kernel's same work measured in the same run, as a table, <c>--json</c> or <c>--markdown</c>.
/// Exit codes: 0 done, 1 the benchmark could not run or failed (alloc: bytes allocated per segment not 0), 2 bad input.
/// </summary>
internal static class BenchSuiteCommand
{
    public const int CannotRun = 1;

    /// <summary>The options every suite benchmark takes.</summary>
    internal sealed class SuiteOptions
    {
        public Option<int> Runs { get; } = new("--runs") { Description = "measured runs per figure (median, min and max are reported)", DefaultValueFactory = _ => 5 };
        public Option<string?> Bytes { get; } = new("--bytes") { Description = "bytes per run (e.g. 16MiB, 4GiB); default: each benchmark's own", HelpName = "SIZE" };
        public Option<int?> Count { get; } = new("--count") { Description = "connections or entries per run; default: each benchmark's own" };
        public Option<int?> Mtu { get; } = new("--mtu") { Description = "only this MTU instead of the benchmark's list" };
        public Option<int> Seconds { get; } = new("--seconds") { Description = "length of each timed load (http)", DefaultValueFactory = _ => 5 };
        public Option<ulong> Seed { get; } = new("--seed") { Description = "seed of the stacks and the fault injector", DefaultValueFactory = _ => 1UL };
        public Option<bool> Json { get; } = new("--json") { Description = "write the results as JSON (performance.md's shape)" };
        public Option<bool> Markdown { get; } = new("--markdown") { Description = "write the results as a Markdown table (for the README)" };

        public void AddTo(Command command)
        {
            foreach (var o in (Option[])[Runs, Bytes, Count, Mtu, Seconds, Seed, Json, Markdown])
                command.Options.Add(o);
        }
    }

    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        foreach (var entry in BenchCatalog.All.Where(e => e.Name != "analyze"))
            yield return Make(entry.Name, entry.Description, [entry.Name], output, error);
        yield return Make("all", "Run every benchmark that can run here; report the others as not run, with the reason", [.. BenchCatalog.All.Select(e => e.Name)], output, error);
    }

    private static Command Make(string name, string description, string[] names, TextWriter output, TextWriter error)
    {
        var options = new SuiteOptions();
        var command = new Command(name, description);
        options.AddTo(command);
        command.SetAction(r => Execute(names, Read(r, options), output, error, Interactive(output)));
        return command;
    }

    internal static bool Interactive(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    internal sealed record Request(int Runs, string? Bytes, int? Count, int? Mtu, int Seconds, ulong Seed, bool Json, bool Markdown);

    private static Request Read(ParseResult r, SuiteOptions o) => new(r.GetValue(o.Runs), r.GetValue(o.Bytes), r.GetValue(o.Count),
        r.GetValue(o.Mtu), r.GetValue(o.Seconds), r.GetValue(o.Seed), r.GetValue(o.Json), r.GetValue(o.Markdown));

    /// <param name="names">The benchmarks to run, in order.</param>
    /// <param name="request">The command line's options.</param>
    /// <param name="output">Where the results go.</param>
    /// <param name="error">Where refusals and failures go, one line each.</param>
    /// <param name="interactive">Show a progress display and colours.</param>
    /// <param name="cannotRun">Why a benchmark cannot run here (null when it can); null asks each benchmark.</param>
    internal static int Execute(string[] names, Request request, TextWriter output, TextWriter error, bool interactive,
        Func<BenchCatalog.Entry, string?>? cannotRun = null)
    {
        cannotRun ??= e => e.CannotRun();
        if (request.Runs is < 1 or > 1000)
            return Usage.Fail(error, $"--runs {request.Runs} must be between 1 and 1000");
        long? bytes = null;
        if (request.Bytes is not null)
        {
            if (!BenchCommand.TryParseSize(request.Bytes, out long parsed))
                return Usage.Fail(error, $"--bytes needs a size such as 16MiB, 1GiB or 500MB, not '{request.Bytes}'");
            bytes = parsed;
        }
        if (request.Count is < 1)
            return Usage.Fail(error, $"--count {request.Count} must be at least 1");
        if (request.Mtu is < 576 or > 65535)
            return Usage.Fail(error, $"--mtu {request.Mtu} must be between 576 and 65535");
        if (request.Seconds is < 1 or > 3600)
            return Usage.Fail(error, $"--seconds {request.Seconds} must be between 1 and 3600");
        if (request.Json && request.Markdown)
            return Usage.Fail(error, "choose one of --json and --markdown");

        bool single = names.Length == 1;
        var entries = names.Select(BenchCatalog.Get).ToList();
        if (single && cannotRun(entries[0]) is { } reason)
        {
            error.WriteLine("error: " + reason);
            return CannotRun;
        }

        var options = new BenchOptions { Runs = request.Runs, Bytes = bytes, Count = request.Count, Mtu = request.Mtu, Seconds = request.Seconds, Seed = request.Seed };
        var results = new List<BenchResult>();
        bool failed = false;
        void RunAll(Action<string, double> progress)
        {
            foreach (var entry in entries)
            {
                if (cannotRun(entry) is { } why)
                {
                    results.Add(BenchResult.Skipped(entry.Name, why));
                    continue;
                }
                try
                {
                    results.Add(entry.Run(options with { Progress = (label, f) => progress($"{entry.Name}: {label}", f) }));
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException or SocketException or IOException
                    or UnauthorizedAccessException or HeapHold.OutOfBudgetException or OutOfMemoryException)
                {
                    failed = true;
                    string message = e.Message.ReplaceLineEndings(" ");
                    if (single)
                        error.WriteLine($"error: bench {entry.Name} did not finish: {message}");
                    results.Add(BenchResult.Skipped(entry.Name, "did not finish: " + message));
                }
            }
        }

        if (interactive)
        {
            AnsiConsole.Progress().AutoClear(true).HideCompleted(true).Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                RunAll((label, fraction) =>
                {
                    if (!tasks.TryGetValue(label, out var task))
                        tasks[label] = task = ctx.AddTask(Markup.Escape(label), maxValue: 1);
                    task.Value = fraction;
                });
            });
        }
        else
        {
            RunAll(static (_, _) => { });
        }

        if (single && failed)
            return CannotRun;
        var machine = MachineInfo.Current;
        if (request.Json)
            output.WriteLine(BenchJson.Write(results, machine, asArray: !single));
        else if (request.Markdown)
            output.Write(BenchMarkdown.Write(results, machine, DateTimeOffset.UtcNow));
        else
            BenchTable.Write(output, results, machine, interactive);

        foreach (var r in results.Where(r => r.Failure is not null))
        {
            error.WriteLine($"error: bench {r.Benchmark}: {r.Failure}");
            failed = true;
        }
        return failed ? CannotRun : 0;
    }
}
