using System.CommandLine;
using SynAck.Analysis.Benchmark.Goodput;

namespace SynAck.Cli.Commands;

/// <summary>
/// <c>synack bench goodput [--seed N]</c>: the goodput table of docs/goodput.md (loss × RTT × algorithm × SACK on the
/// simulator, beside each algorithm's response function), written as Markdown. Exit codes: 0 done, 2 bad input.
/// </summary>
internal static class GoodputCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var seed = new Option<ulong>("--seed") { Description = "seed of the table (each cell derives its own from it)", DefaultValueFactory = _ => 1UL };
        var command = new Command("goodput", "Goodput under 0-5 % loss at 1, 20 and 100 ms RTT, NewReno and CUBIC, SACK on and off, on the simulator (virtual time), beside each algorithm's response function; Markdown for docs/goodput.md")
        {
            seed,
        };
        command.SetAction(r =>
        {
            ulong s = r.GetValue(seed);
            var rows = GoodputTable.Run(s, progress: (done, total) => error.Write($"\rcell {done}/{total}"));
            error.WriteLine();
            output.Write(GoodputMarkdown.Write(rows, s));
            return 0;
        });
        return command;
    }
}
