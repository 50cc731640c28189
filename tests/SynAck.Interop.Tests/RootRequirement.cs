namespace SynAck.Interop.Tests;

/// <summary>
/// Interop tests need root (CAP_NET_ADMIN for network namespaces and TUN) and Debian tools.
/// Outside CI they skip with the reason; under CI=true as root a missing requirement fails the test,
/// because a skipped interop test there would hide a gap.
/// </summary>
internal static class RootRequirement
{
    public static bool IsRoot => Environment.UserName == "root" || GetEuid() == 0;

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips (or, under CI as root, fails) unless running as root with every named tool on PATH.</summary>
    public static void Require(params string[] tools)
    {
        if (!IsRoot)
        {
            if (InCi)
                Assert.Fail("interop tests must run under CI=true, but the test is not root");
            Assert.Skip("needs root (CAP_NET_ADMIN) for network namespaces and TUN; run the suite as root");
        }

        foreach (var tool in tools)
        {
            if (FindOnPath(tool) is null)
            {
                if (InCi)
                    Assert.Fail($"'{tool}' is not installed; ./test.sh installs it");
                Assert.Skip($"'{tool}' is not installed; ./test.sh installs it when run as root");
            }
        }
    }

    public static string? FindOnPath(string tool)
    {
        if (tool.Contains('/'))
            return File.Exists(tool) ? tool : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Concat(["/usr/sbin", "/sbin", "/usr/bin"]))
        {
            var p = Path.Combine(dir, tool);
            if (File.Exists(p))
                return p;
        }
        return null;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuidNative();

    private static uint GetEuid()
    {
        try { return GetEuidNative(); }
        catch (DllNotFoundException) { return uint.MaxValue; }
        catch (EntryPointNotFoundException) { return uint.MaxValue; }
    }
}
