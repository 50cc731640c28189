namespace SynAck.Interop.Tests;

/// <summary>Kept for the Sockets tests: forwards to the shared <see cref="Requirement"/> (root, then tools).</summary>
internal static class RootRequirement
{
    public static bool InCi => Requirement.InCi;

    public static void Require(params string[] tools) => Requirement.RootAndTools(tools);
}
