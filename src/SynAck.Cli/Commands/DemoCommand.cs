using System.CommandLine;
using System.Globalization;
using System.Text;
using SynAck.Analysis.Ladder;
using SynAck.Analysis.Scenarios;
using SynAck.Time;

namespace SynAck.Cli.Commands;

/// <summary><c>synack demo [SCENARIO]</c>: plays a scenario on the simulator and prints its ladder, explanation and verdict.</summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var scenario = new Argument<string?>("scenario") { Description = "the scenario to play (default: lifecycle; --list shows all)", Arity = ArgumentArity.ZeroOrOne };
        var list = new Option<bool>("--list") { Description = "list the scenarios with one line each" };
        var seed = new Option<ulong>("--seed") { Description = "seed of every random choice (ports, ISNs, link loss)", DefaultValueFactory = _ => 1UL };
        var loss = new Option<double>("--loss") { Description = "random loss per packet, 0 to below 1, on top of the scripted events", DefaultValueFactory = _ => 0.0 };
        var rtt = new Option<double>("--rtt") { Description = "round-trip time in milliseconds", DefaultValueFactory = _ => 20.0 };
        var msl = new Option<double>("--msl") { Description = "maximum segment lifetime in seconds (TIME-WAIT lasts twice this)", DefaultValueFactory = _ => 30.0 };
        var whatIf = new Option<string?>("--what-if") { Description = "play a counterfactual (no-time-wait, two-way-handshake); 'help' lists them" };
        var pcap = new Option<string?>("--pcap") { Description = "write the run's packets to FILE as pcapng (virtual timestamps)", HelpName = "FILE" };
        var svg = new Option<string?>("--svg") { Description = "write the ladder to FILE as SVG", HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "print the event list, facts and verdict as JSON instead of the ladder" };
        var ascii = new Option<bool>("--ascii") { Description = "draw the ladder with ASCII characters only" };

        scenario.CompletionSources.Add(ScenarioCatalog.All.Select(s => s.Name).ToArray());
        whatIf.CompletionSources.Add([.. Enum.GetValues<WhatIf>().Where(x => x != WhatIf.None).Select(ScenarioCatalog.Spell), "help"]);

        var command = new Command("demo", "Play a TCP lifecycle scenario on the built-in simulator and draw its ladder diagram")
        {
            scenario, list, seed, loss, rtt, msl, whatIf, pcap, svg, json, ascii,
        };
        command.SetAction(r => Execute(new DemoRequest(
            r.GetValue(scenario), r.GetValue(list), r.GetValue(seed), r.GetValue(loss), r.GetValue(rtt), r.GetValue(msl),
            r.GetValue(whatIf), r.GetValue(pcap), r.GetValue(svg), r.GetValue(json), r.GetValue(ascii)), output, error));
        return command;
    }

    private static readonly string[] Switches = ["--list", "--seed", "--loss", "--rtt", "--msl", "--what-if", "--pcap", "--svg", "--json", "--ascii"];

    internal static int Execute(DemoRequest request, TextWriter output, TextWriter error)
    {
        if (request.List && request.Json)
        {
            output.Write(ListingJson.Scenarios());
            return 0;
        }
        if (request.List)
        {
            int width = ScenarioCatalog.All.Max(s => s.Name.Length);
            foreach (var s in ScenarioCatalog.All)
            {
                string whatIfs = s.WhatIfs.Count == 0 ? "" : "  [--what-if " + string.Join(", ", s.WhatIfs.Select(ScenarioCatalog.Spell)) + "]";
                output.WriteLine(s.Name.PadRight(width) + "  " + s.Summary + whatIfs);
            }
            return 0;
        }

        string name = request.Scenario ?? ScenarioCatalog.DefaultScenario;
        if (name.StartsWith('-'))
        {
            // System.CommandLine hands an unknown switch to the optional scenario argument; say what it is.
            error.WriteLine($"error: unknown switch '{name}'");
            if (Usage.Suggest(name, Switches) is { } near)
                error.WriteLine($"did you mean '{near}'?");
            error.WriteLine("valid switches: " + string.Join(" ", Switches));
            return Usage.BadInput;
        }
        var info = ScenarioCatalog.Find(name);
        if (info is null)
        {
            error.WriteLine($"error: unknown scenario '{name}'");
            if (Usage.Suggest(name, ScenarioCatalog.All.Select(s => s.Name)) is { } near)
                error.WriteLine($"did you mean '{near}'?");
            error.WriteLine("valid scenarios: " + string.Join(", ", ScenarioCatalog.All.Select(s => s.Name)));
            return Usage.BadInput;
        }

        var whatIf = WhatIf.None;
        if (request.WhatIf is { } w)
        {
            if (string.Equals(w, "help", StringComparison.OrdinalIgnoreCase))
            {
                if (request.Json)
                    output.Write(ListingJson.WhatIfs());
                else
                    WriteWhatIfHelp(output);
                return 0;
            }
            if (!ScenarioCatalog.TryParseWhatIf(w, out whatIf) || whatIf == WhatIf.None)
            {
                error.WriteLine($"error: unknown what-if '{w}'");
                error.WriteLine("valid what-ifs: " + string.Join(", ", Enum.GetValues<WhatIf>().Where(x => x != WhatIf.None).Select(ScenarioCatalog.Spell)));
                return Usage.BadInput;
            }
            if (!info.WhatIfs.Contains(whatIf))
            {
                error.WriteLine($"error: scenario '{info.Name}' has no what-if '{w}'");
                error.WriteLine($"valid what-ifs for '{info.Name}': " + (info.WhatIfs.Count == 0 ? "none" : string.Join(", ", info.WhatIfs.Select(ScenarioCatalog.Spell))));
                var offering = ScenarioCatalog.All.Where(s => s.WhatIfs.Contains(whatIf)).Select(s => s.Name);
                error.WriteLine($"'{ScenarioCatalog.Spell(whatIf)}' is offered by: " + string.Join(", ", offering));
                return Usage.BadInput;
            }
        }

        if (!(request.Loss >= 0 && request.Loss < 1))
            return Usage.Fail(error, $"--loss {Num(request.Loss)} is not a probability below 1 (use 0 to 0.99)");
        if (!(request.RttMs >= 0 && request.RttMs <= 10_000))
            return Usage.Fail(error, $"--rtt {Num(request.RttMs)} is not a round-trip time between 0 and 10000 ms");
        if (!(request.MslSeconds > 0 && request.MslSeconds <= 3600))
            return Usage.Fail(error, $"--msl {Num(request.MslSeconds)} is not a segment lifetime above 0 and at most 3600 s");

        foreach (var (path, what) in new[] { (request.PcapPath, "--pcap"), (request.SvgPath, "--svg") })
        {
            if (path is not null && Usage.WhyNotWritable(path) is { } why)
                return Usage.Fail(error, $"{what}: {why}");
        }

        var options = new ScenarioOptions
        {
            Seed = request.Seed,
            Loss = request.Loss,
            Rtt = Duration.FromMilliseconds(request.RttMs),
            Msl = Duration.FromSeconds(request.MslSeconds),
            WhatIf = whatIf,
        };

        ScenarioRun run;
        try
        {
            using var pcapStream = request.PcapPath is null ? null : File.Create(request.PcapPath);
            run = ScenarioRunner.Run(info.Name, options, pcapStream);
        }
        catch (IOException e)
        {
            return Usage.Fail(error, "cannot write the pcap file: " + e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            return Usage.Fail(error, "cannot write the pcap file: " + e.Message);
        }

        if (request.SvgPath is not null)
        {
            try
            {
                File.WriteAllText(request.SvgPath, new SvgLadderRenderer().Render(run.Ladder));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Usage.Fail(error, "cannot write the SVG file: " + e.Message);
            }
        }

        if (request.Json)
        {
            output.Write(DemoJson.Write(run));
            return 0;
        }
        output.Write(RenderText(run, request.Ascii, TerminalStyle.For(output)));
        return 0;
    }

    /// <summary>The ladder, the explanation wrapped to 80 columns, and the verdict line.</summary>
    internal static string RenderText(ScenarioRun run, bool ascii, TerminalStyle style)
    {
        var sb = new StringBuilder();
        string ladder = new TextLadderRenderer(ascii ? LadderGlyphs.Ascii : LadderGlyphs.Unicode).Render(run.Ladder);
        if (ascii)
            ladder = AsciiOnly(ladder);
        var lines = ladder.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (i == lines.Length - 1 && lines[i].Length == 0)
                break;
            string line = lines[i];
            if (i == 0)
                line = style.Bold(line);
            else if (style.Enabled)
                line = line.Replace("✕", style.Red("✕"), StringComparison.Ordinal).Replace(" RST", " " + style.Red("RST"), StringComparison.Ordinal);
            sb.Append(line).Append('\n');
        }
        sb.Append('\n');
        string explanation = ascii ? AsciiOnly(run.Explanation) : run.Explanation;
        foreach (var line in Wrap(explanation, 80))
            sb.Append(line).Append('\n');
        string verdict = ascii ? AsciiOnly(run.Verdict) : run.Verdict;
        foreach (var line in Wrap(verdict, 80))
            sb.Append(run.Healthy ? style.Green(line) : style.Red(line)).Append('\n');
        return sb.ToString();
    }

    private static void WriteWhatIfHelp(TextWriter output)
    {
        output.WriteLine("what-ifs (counterfactuals: the protocol broken on purpose, to show why it is built as it is):");
        foreach (var w in Enum.GetValues<WhatIf>().Where(x => x != WhatIf.None))
        {
            var scenarios = ScenarioCatalog.All.Where(s => s.WhatIfs.Contains(w)).Select(s => s.Name);
            output.WriteLine($"  {ScenarioCatalog.Spell(w),-18} {ScenarioCatalog.Explain(w)}");
            output.WriteLine($"  {"",-18} scenarios: {string.Join(", ", scenarios)}");
        }
        output.WriteLine("example: synack demo lost-final-ack --what-if no-time-wait");
    }

    internal static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0)
                line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0)
            yield return line.ToString();
    }

    /// <summary>Replaces the few non-ASCII characters explanations and titles use.</summary>
    internal static string AsciiOnly(string s) => s.Replace('—', '-').Replace('→', '>').Replace('↔', '=').Replace('×', 'x').Replace('✕', 'X').Replace('…', '.').Replace("µ", "u", StringComparison.Ordinal);

    private static string Num(double d) => d.ToString(CultureInfo.InvariantCulture);
}

