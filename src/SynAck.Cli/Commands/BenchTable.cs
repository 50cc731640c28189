using Spectre.Console;
using SynAck.Analysis.Benchmark.Perf;

namespace SynAck.Cli.Commands;

/// <summary>The results as a Spectre.Console table with the machine, what did not run, the notes and the times.</summary>
internal static class BenchTable
{
    public static void Write(TextWriter output, IReadOnlyList<BenchResult> results, MachineInfo machine, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!interactive)
            console.Profile.Width = 200;
        console.WriteLine("machine: " + machine);
        var table = new Table().AddColumns("benchmark", "figure", "SynAck median (min–max)", "kernel", "ratio", "target", "");
        foreach (var r in results)
        {
            foreach (var f in r.Figures)
            {
                string met = BenchText.Met(f);
                table.AddRow(Markup.Escape(r.Benchmark), Markup.Escape(BenchText.Figure(f)), Markup.Escape(BenchText.SynAck(f)),
                    Markup.Escape(BenchText.Kernel(f)), Markup.Escape(BenchText.Ratio(f)), Markup.Escape(BenchText.Target(f)),
                    f.Met switch { true => "[green]met[/]", false => "[red]MISSED[/]", null => Markup.Escape(met) });
            }
            if (r.NotRun is not null)
                table.AddRow(Markup.Escape(r.Benchmark), "[yellow]not run[/]: " + Markup.Escape(r.NotRun), "", "", "", "", "");
        }
        console.Write(table);
        foreach (var r in results)
        {
            foreach (var n in r.Notes)
                console.WriteLine($"{r.Benchmark}: {n}");
            foreach (var f in r.Figures)
            {
                if (BenchText.Times(f) is { Length: > 0 } times)
                    console.WriteLine($"{r.Benchmark} {BenchText.Figure(f)}: {times}");
            }
            if (r.Failure is not null)
                console.MarkupLine($"[red]{Markup.Escape(r.Benchmark)}: {Markup.Escape(r.Failure)}[/]");
        }
    }
}
