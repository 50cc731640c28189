using System.CommandLine;

namespace SynAck.Cli.Commands;

/// <summary>What every command prints for bad input: the problem in one line, then what would have been valid; exit code 2.</summary>
internal static class Usage
{
    public const int BadInput = 2;

    public static int ReportParseErrors(ParseResult result, TextWriter error)
    {
        foreach (var e in result.Errors)
            error.WriteLine("error: " + e.Message);
        var command = result.CommandResult.Command;
        if (command.Subcommands.Count > 0)
            error.WriteLine("valid commands: " + string.Join(", ", command.Subcommands.Select(c => c.Name)));
        if (command.Options.Count > 0)
            error.WriteLine("valid switches: " + string.Join(" ", command.Options.Where(o => !o.Hidden).Select(o => o.Name)));
        return BadInput;
    }

    /// <summary>A one-line error and exit code 2.</summary>
    public static int Fail(TextWriter error, string message)
    {
        error.WriteLine("error: " + message);
        return BadInput;
    }
}
