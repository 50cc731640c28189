using System.CommandLine;
using System.Reflection;

namespace SynAck.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("synack — a userspace TCP/IP stack for .NET, and tools that show TCP's lifecycle");
        var version = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

        var demo = new Command("demo", "Play the TCP lifecycle scenarios on the built-in simulator with ladder diagrams");
        demo.SetAction(_ =>
        {
            Console.WriteLine($"synack {version}");
            Console.WriteLine("The demo scenarios arrive with the TCP engine (issue B) and the ladder renderer (issue D).");
            Console.WriteLine("Commands: demo, states, analyze, serve, connect, bench — see `synack --help`.");
            return 0;
        });
        root.Subcommands.Add(demo);
        root.Subcommands.Add(Commands.AnalyzeCommand.Create());
        return root.Parse(args).Invoke();
    }
}
