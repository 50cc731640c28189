namespace SynAck.TestSupport;

/// <summary>
/// Root and tool requirements for tests that use the machine itself (network namespaces, TUN, tshark, tcpdump,
/// python3, chromium). Outside CI a missing requirement skips the test with the reason; under CI=true it fails,
/// because a skipped test there would hide a gap.
/// </summary>
internal static class Requirement
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool IsRoot => Environment.UserName == "root" || GetEuid() == 0;

    /// <summary>Skips (or under CI=true fails) unless the test runs as root.</summary>
    public static void Root()
    {
        if (IsRoot)
            return;
        if (InCi)
            Assert.Fail("these tests must run as root under CI=true (network namespaces, TUN)");
        Assert.Skip("needs root (CAP_NET_ADMIN) for network namespaces and TUN; run the suite as root");
    }

    /// <summary>Skips (or under CI=true fails) unless every named tool is installed; needs no root.</summary>
    public static void Tools(params string[] tools)
    {
        foreach (var tool in tools)
            Tool(tool);
    }

    /// <summary>Skips (or under CI=true fails) unless the tool is installed; returns its path.</summary>
    public static string Tool(string tool)
    {
        if (ExternalProcess.FindOnPath(tool) is { } path)
            return path;
        if (InCi)
            Assert.Fail($"'{tool}' is not installed; ./test.sh installs it");
        Assert.Skip($"'{tool}' is not installed; ./test.sh installs it when run as root");
        return "";
    }

    /// <summary>Root first, then the tools: the usual requirement of a test that builds a network namespace.</summary>
    public static void RootAndTools(params string[] tools)
    {
        Root();
        Tools(tools);
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
