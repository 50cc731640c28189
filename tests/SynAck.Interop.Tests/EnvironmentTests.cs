namespace SynAck.Interop.Tests;

public sealed class EnvironmentTests
{
    [Fact]
    public void NetworkNamespacesCanBeCreatedAndRemoved()
    {
        Requirement.RootAndTools("ip");
        using var ns = NetNamespace.Create();
        var (code, output) = ns.Exec("ip", "link", "show", "lo");
        Assert.Equal(0, code);
        Assert.Contains("lo", output, StringComparison.Ordinal);
    }
}
