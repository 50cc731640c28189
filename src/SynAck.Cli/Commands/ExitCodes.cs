using System.CommandLine;

namespace SynAck.Cli.Commands;

/// <summary>
/// What each command's exit code means, written once and appended to every command's <c>--help</c>,
/// so a script author finds it where they look first rather than only in <c>docs/</c>.
/// </summary>
internal static class ExitCodes
{
    private const string Common = "0 done; 2 bad input (unknown command, switch or value)";

    private static readonly Dictionary<string, string> s_byCommand = new(StringComparer.Ordinal)
    {
        ["synack"] = Common + "; see each command's --help for the codes it adds",
        ["demo"] = Common + " or a file that cannot be written",
        ["states"] = Common + " or a file that cannot be written",
        ["analyze"] = Common + ", or a file that is not a readable capture; 3 the capture is damaged (what came before the damage is still reported)",
        ["bench"] = Common + "; 1 a benchmark failed or missed what it checks; non-zero when something it needs is missing (root, a tool)",
        ["serve"] = Common + "; 1 the link or a connection failed (or a SHA-256 check did not match)",
        ["connect"] = Common + "; 1 the connection failed, was refused or reset",
        ["soak"] = Common + "; 1 a check failed (a byte, a connection, memory) or the soak could not run (root, the link)",
        ["drill"] = "0 every script passed; 1 a script failed; 2 bad input or a script with a syntax error",
    };

    /// <summary>Appends the exit codes to the description of <paramref name="root"/> and each command under it.</summary>
    public static void Describe(Command root)
    {
        Append(root, "synack");
        foreach (var command in root.Subcommands)
            Append(command, command.Name);
    }

    private static void Append(Command command, string key)
    {
        if (s_byCommand.TryGetValue(key, out var text))
            command.Description = (command.Description ?? "") + "\n\nExit codes: " + text + ".";
    }
}
