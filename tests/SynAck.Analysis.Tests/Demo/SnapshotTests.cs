using System.Runtime.CompilerServices;
using System.Text;
using SynAck.Analysis.Scenarios;
using SynAck.Cli.Commands;

namespace SynAck.Analysis.Tests.Demo;

/// <summary>
/// The text each scenario prints (ladder, explanation, verdict) matches the reviewed snapshot in Snapshots/. With
/// SYNACK_UPDATE_SNAPSHOTS=1 the snapshots are rewritten instead, to be reviewed in the diff before committing.
/// </summary>
public sealed class SnapshotTests
{
    public static TheoryData<string, WhatIf> EveryRun() => global::SynAck.Analysis.Tests.Scenarios.ScenarioRunnerTests.EveryRun();

    [Theory]
    [MemberData(nameof(EveryRun))]
    public void TextMatchesTheReviewedSnapshot(string name, WhatIf whatIf)
    {
        var run = ScenarioRunner.Run(name, new ScenarioOptions { WhatIf = whatIf });
        string actual = DemoCommand.RenderText(run, ascii: false, TerminalStyle.Plain);
        string file = Path.Combine(SnapshotDirectory(), name + (whatIf == WhatIf.None ? "" : "--" + ScenarioCatalog.Spell(whatIf)) + ".txt");
        if (Environment.GetEnvironmentVariable("SYNACK_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(file, actual, new UTF8Encoding(false));
            return;
        }
        Assert.True(File.Exists(file), $"no snapshot {file}; run the tests with SYNACK_UPDATE_SNAPSHOTS=1 and review it");
        string expected = File.ReadAllText(file).ReplaceLineEndings("\n");
        if (expected != actual)
            Assert.Fail($"{name} differs from {Path.GetFileName(file)}:\n{Diff(expected, actual)}\n(SYNACK_UPDATE_SNAPSHOTS=1 rewrites the snapshots)");
    }

    [Theory]
    [MemberData(nameof(EveryRun))]
    public void EveryLineFitsEightyColumns(string name, WhatIf whatIf)
    {
        var run = ScenarioRunner.Run(name, new ScenarioOptions { WhatIf = whatIf });
        foreach (bool ascii in new[] { false, true })
        {
            string text = DemoCommand.RenderText(run, ascii, TerminalStyle.Plain);
            Assert.All(text.Split('\n'), line => Assert.True(line.Length <= 80, $"{line.Length} columns: {line}"));
            if (ascii)
                Assert.All(text, c => Assert.True(c < 128, $"non-ASCII character U+{(int)c:X4} in --ascii output"));
        }
    }

    /// <summary>A line diff: the first differing lines with their numbers, expected (-) and actual (+).</summary>
    private static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var sb = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < Math.Max(e.Length, a.Length) && shown < 20; i++)
        {
            string? el = i < e.Length ? e[i] : null;
            string? al = i < a.Length ? a[i] : null;
            if (el == al)
                continue;
            sb.Append("line ").Append(i + 1).Append('\n');
            if (el is not null)
                sb.Append("- ").Append(el).Append('\n');
            if (al is not null)
                sb.Append("+ ").Append(al).Append('\n');
            shown++;
        }
        return sb.ToString();
    }

    private static string SnapshotDirectory([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Snapshots");
}
