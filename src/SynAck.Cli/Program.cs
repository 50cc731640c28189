using System.CommandLine;
using SynAck.Cli.Commands;

namespace SynAck.Cli;

internal static class Program
{
    private static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Parses and runs one command line, writing to the given streams; returns the exit code (2 for bad input).</summary>
    internal static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("synack — a userspace TCP/IP stack for .NET, and tools that show TCP's lifecycle");
        root.Subcommands.Add(DemoCommand.Create(output, error));
        root.Subcommands.Add(StatesCommand.Create(output, error));
        root.Subcommands.Add(AnalyzeCommand.Create(output, error));
        root.Subcommands.Add(BenchCommand.Create(output, error));
        root.Subcommands.Add(ServeCommand.Create(output, error));
        root.Subcommands.Add(ConnectCommand.Create(output, error));
        root.Subcommands.Add(DrillCommand.Create(output, error));
        root.Subcommands.Add(Commands.Soak.SoakCommand.Create(output, error));

        ExitCodes.Describe(root);

        var result = root.Parse(args);
        if (result.Errors.Count > 0)
            return Usage.ReportParseErrors(result, error);
        return result.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
