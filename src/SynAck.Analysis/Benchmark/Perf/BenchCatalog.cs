namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>Every benchmark of performance.md by name, with what it needs to run.</summary>
internal static class BenchCatalog
{
    /// <summary>One benchmark: its name, a line of help, whether it needs root, the programs it runs, and the run.</summary>
    internal sealed record Entry(string Name, string Description, bool NeedsRoot, string[] Tools, Func<BenchOptions, BenchResult> Run)
    {
        /// <summary>Why this benchmark cannot run here, in one line; null when it can.</summary>
        /// <param name="isRoot">Whether this process is root; null asks the system.</param>
        /// <param name="hasTool">Whether a program is installed; null looks on the PATH.</param>
        public string? CannotRun(bool? isRoot = null, Func<string, bool>? hasTool = null)
        {
            if (NeedsRoot && !(isRoot ?? Environment.IsPrivilegedProcess))
                return $"bench {Name} needs root (it creates a TUN device and a network namespace)";
            if (NeedsRoot && !OperatingSystem.IsLinux())
                return $"bench {Name} needs Linux (TUN devices and network namespaces)";
            foreach (var tool in Tools)
            {
                if (!(hasTool ?? OnPath)(tool))
                    return $"bench {Name} needs '{tool}' on the PATH (./test.sh installs it as root)";
            }
            return null;
        }
    }

    public static IReadOnlyList<Entry> All { get; } =
    [
        new("throughput", "One stream in memory at MTU 65535 and 1500 vs System.Net.Sockets over 127.0.0.1: Gbit/s", false, [], InMemoryBenchmarks.Throughput),
        new("connections", "Short connections per second in memory vs 16 kernel clients on loopback", false, [], InMemoryBenchmarks.Connections),
        new("timewait", "Managed heap per TIME-WAIT entry (vs the kernel's tw_sock_TCP object)", false, [], InMemoryBenchmarks.TimeWait),
        new("idle", "Managed heap per idle ESTABLISHED connection (vs the kernel's TCP socket object)", false, [], InMemoryBenchmarks.Idle),
        new("alloc", "Bytes allocated per segment in a steady bulk transfer (must be 0)", false, [], InMemoryBenchmarks.Alloc),
        new("tun", "SynAck <-> kernel over a TUN device at MTU 1500 and 9000 vs kernel <-> kernel in the same namespace (root)", true, ["ip"], TunBenchmarks.Tun),
        new("loss", "64 MiB over the TUN at 1 % and 5 % loss: SynAck sending vs the kernel sending (root)", true, ["ip"], TunBenchmarks.Loss),
        new("http", "wrk against the same small handler on SynAck over TUN and on System.Net.Sockets (root)", true, ["ip", "wrk"], HttpBenchmark.Run),
        new("analyze", "synack analyze's rate over a generated capture: MB/s", false, [], AnalyzeBenchmark.Run),
    ];

    public static Entry Get(string name) => All.First(e => e.Name == name);

    internal static bool OnPath(string tool)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin", "/usr/bin"]))
        {
            if (File.Exists(Path.Combine(dir, tool)))
                return true;
        }
        return false;
    }
}
