using System.Diagnostics;

namespace SynAck.Analysis.Tests.Conversations;

/// <summary>
/// Root and tool requirements for tests that use the machine's own tools (tcpdump, tshark, ip, python3):
/// outside CI a missing requirement skips with the reason; under CI=true it fails, because a skipped oracle
/// there would hide a gap. (Same rule as SynAck.Interop.Tests' RootRequirement.)
/// </summary>
internal static class ExternalTools
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool IsRoot => Environment.UserName == "root";

    public static void RequireRoot()
    {
        if (IsRoot)
            return;
        if (InCi)
            Assert.Fail("these tests must run as root under CI=true (network namespaces)");
        Assert.Skip("needs root (CAP_NET_ADMIN) for a private network namespace; run the suite as root");
    }

    public static void Require(params string[] tools)
    {
        foreach (var tool in tools)
        {
            if (FindOnPath(tool) is not null)
                continue;
            if (InCi)
                Assert.Fail($"'{tool}' is not installed; ./test.sh installs it");
            Assert.Skip($"'{tool}' is not installed; install it (apt-get install -y tshark tcpdump) to run this oracle test");
        }
    }

    public static string? FindOnPath(string tool)
    {
        if (tool.Contains('/'))
            return File.Exists(tool) ? tool : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]))
        {
            if (dir.Length == 0)
                continue;
            var p = Path.Combine(dir, tool);
            if (File.Exists(p))
                return p;
        }
        return null;
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(TimeSpan timeout, string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + exe);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"{exe} {string.Join(' ', args)} did not finish within {timeout}");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
