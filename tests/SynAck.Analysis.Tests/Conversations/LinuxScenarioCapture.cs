using System.Diagnostics;
using System.Globalization;

namespace SynAck.Analysis.Tests.Conversations;

/// <summary>
/// One capture of the Linux kernel's own TCP going through every lifecycle scenario of linux_scenarios.py,
/// made once per test run: a private network namespace, tcpdump on "any" (loopback and the TUN blackhole),
/// the script, then the namespace is deleted. The capture file and each scenario's client port are kept.
/// </summary>
internal sealed class LinuxScenarioCapture
{
    private static readonly Lock Gate = new();
    private static LinuxScenarioCapture? _made;

    private LinuxScenarioCapture(string path, IReadOnlyDictionary<string, int> ports)
    {
        Path = path;
        Ports = ports;
    }

    public string Path { get; }

    /// <summary>Scenario name → the client's (originator's) port.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; }

    public static LinuxScenarioCapture Get()
    {
        Requirement.Root();
        Requirement.Tools("ip", "tcpdump", "/usr/bin/python3");
        lock (Gate)
            return _made ??= Make();
    }

    private static LinuxScenarioCapture Make()
    {
        string dir = Directory.CreateTempSubdirectory("synack-analyze-").FullName;
        string pcap = System.IO.Path.Combine(dir, "linux.pcap");
        string script = System.IO.Path.Combine(AppContext.BaseDirectory, "Conversations", "linux_scenarios.py");
        string ns = "synack-" + Guid.NewGuid().ToString("N")[..10];
        Must(ExternalProcess.Run(TimeSpan.FromSeconds(10), "ip", "netns", "add", ns), "ip netns add");
        try
        {
            Must(ExternalProcess.Run(TimeSpan.FromSeconds(10), "ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"), "lo up");
            // Two SYN retries keep the unanswered connect short.
            Must(ExternalProcess.Run(TimeSpan.FromSeconds(10), "ip", "netns", "exec", ns, "sysctl", "-q", "net.ipv4.tcp_syn_retries=2"), "sysctl");

            var psi = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in (string[])["netns", "exec", ns, "tcpdump", "--immediate-mode", "-B", "16384", "-U", "-i", "any", "-w", pcap, "tcp"])
                psi.ArgumentList.Add(a);
            using var tcpdump = Process.Start(psi)!;
            var ready = new TaskCompletionSource();
            tcpdump.ErrorDataReceived += (_, e) =>
            {
                if (e.Data?.Contains("listening on", StringComparison.Ordinal) == true)
                    ready.TrySetResult();
            };
            tcpdump.BeginErrorReadLine();
            Assert.True(ready.Task.Wait(TimeSpan.FromSeconds(15)), "tcpdump did not start listening");

            var (code, stdout, stderr) = ExternalProcess.Run(TimeSpan.FromSeconds(60), "ip", "netns", "exec", ns, "/usr/bin/python3", script);
            Assert.True(code == 0, "scenario script failed: " + stderr);
            // tcpdump writes each packet at once (-U); SIGINT makes it close the file cleanly.
            ExternalProcess.Run(TimeSpan.FromSeconds(5), "kill", "-INT", tcpdump.Id.ToString(CultureInfo.InvariantCulture));
            if (!tcpdump.WaitForExit(TimeSpan.FromSeconds(10)))
                tcpdump.Kill();

            var ports = new Dictionary<string, int>();
            foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(' ');
                ports[parts[0]] = int.Parse(parts[1], CultureInfo.InvariantCulture);
            }
            return new LinuxScenarioCapture(pcap, ports);
        }
        finally
        {
            ExternalProcess.Run(TimeSpan.FromSeconds(10), "ip", "netns", "del", ns);
        }
    }

    private static void Must((int ExitCode, string Stdout, string Stderr) r, string what)
        => Assert.True(r.ExitCode == 0, $"{what} failed: {r.Stderr}");
}
