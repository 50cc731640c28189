using System.Text.RegularExpressions;

namespace SynAck.Tests.Stack;

/// <summary>
/// Architecture principle 1: the sans-IO core (Wire, Tcp, Stack, Time) never reads a clock, starts a thread,
/// task or timer, or draws ambient randomness. Scans the source text.
/// </summary>
public sealed partial class PurityTests
{
    [GeneratedRegex(@"DateTime\.|DateTimeOffset\.(Now|UtcNow)|Stopwatch|Environment\.TickCount|Random\.Shared|new Random\(|(?<![A-Za-z])Task(?![A-Za-z])|(?<![A-Za-z])Thread(?![A-Za-z])|(?<![A-Za-z])Timer\(|ThreadPool|Parallel\.")]
    private static partial Regex Forbidden();

    [Fact]
    public void Core_source_uses_no_clock_thread_task_timer_or_ambient_randomness()
    {
        string root = FindRepositoryRoot();
        var offenders = new List<string>();
        int files = 0;
        foreach (var dir in new[] { "Wire", "Tcp", "Stack", "Time", "Buffers" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src", "SynAck", dir), "*.cs", SearchOption.AllDirectories))
            {
                files++;
                var lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                {
                    if (Forbidden().IsMatch(lines[i]))
                        offenders.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }
        Assert.True(files > 20, $"only {files} source files found under {root}");
        Assert.True(offenders.Count == 0, string.Join('\n', offenders));
    }

    [Fact]
    public void The_scanner_catches_each_forbidden_use()
    {
        foreach (var bad in new[] { "var t = DateTime.Now;", "Stopwatch.StartNew()", "Environment.TickCount64", "Random.Shared.Next()", "new Random(3)", "await Task.Delay(1)", "new Thread(f)", "new Timer(cb)" })
            Assert.Matches(Forbidden(), bad);
        foreach (var ok in new[] { "StopRetransmissionTimer();", "TimerWheel wheel", "c.EarliestTimer()", "TaskList" })
            Assert.DoesNotMatch(Forbidden(), ok);
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SynAck.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root (SynAck.slnx) not found");
    }
}
