using System.CommandLine;
using SynAck.Analysis.Scenarios;
using SynAck.Analysis.States;
using SynAck.Tcp;

namespace SynAck.Cli.Commands;

/// <summary><c>synack states</c>: RFC 9293's state diagram drawn from the engine's transition table, optionally with a scenario's path.</summary>
internal static class StatesCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var svg = new Option<string?>("--svg") { Description = "write the diagram to FILE as SVG", HelpName = "FILE" };
        var highlight = new Option<string?>("--highlight") { Description = "mark the path SCENARIO took on each side", HelpName = "SCENARIO" };
        var ascii = new Option<bool>("--ascii") { Description = "ASCII characters only" };
        var json = new Option<bool>("--json") { Description = "print the transition table (and the highlighted paths) as JSON instead of the diagram" };
        highlight.CompletionSources.Add(ScenarioCatalog.All.Select(s => s.Name).ToArray());
        var command = new Command("states", "Draw TCP's state diagram from the engine's own transition table") { svg, highlight, ascii, json };
        command.SetAction(r => Execute(r.GetValue(svg), r.GetValue(highlight), r.GetValue(ascii), output, error, r.GetValue(json)));
        return command;
    }

    internal static int Execute(string? svgPath, string? highlight, bool ascii, TextWriter output, TextWriter error, bool json = false)
    {
        if (svgPath is not null && Usage.WhyNotWritable(svgPath) is { } why)
            return Usage.Fail(error, "--svg: " + why);
        HashSet<StateEdge>? left = null, right = null;
        string title = $"TCP states (RFC 9293) — {TcpStateTable.Transitions.Count} transitions of SynAck's state table";
        if (highlight is not null)
        {
            var info = ScenarioCatalog.Find(highlight);
            if (info is null)
            {
                error.WriteLine($"error: unknown scenario '{highlight}'");
                error.WriteLine("valid scenarios: " + string.Join(", ", ScenarioCatalog.All.Select(s => s.Name)));
                return Usage.BadInput;
            }
            var run = ScenarioRunner.Run(info.Name);
            left = StateTableEdges.Taken(run.Facts.ClientTransitions);
            right = StateTableEdges.Taken(run.Facts.ServerTransitions);
            title += $", path of '{info.Name}'";
        }

        var renderer = new StateDiagramRenderer();
        if (svgPath is not null)
        {
            try
            {
                File.WriteAllText(svgPath, renderer.RenderSvg(StateTableEdges.All, title, left, right));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Usage.Fail(error, "cannot write the SVG file: " + e.Message);
            }
        }

        if (json)
        {
            output.Write(ListingJson.States(title, highlight is null ? null : ScenarioCatalog.Find(highlight)!.Name, left, right));
            return 0;
        }

        string text = title + "\n" + (highlight is null ? "" : "marks: L = client's path, R = server's path, LR = both\n") + "\n"
            + renderer.RenderText(StateTableEdges.All, left, right);
        output.Write(ascii ? DemoCommand.AsciiOnly(text) : text);
        return 0;
    }
}
