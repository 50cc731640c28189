using SynAck.Drill.Run;

namespace SynAck.Drill.Tests;

/// <summary>SynAck's own packetdrill scripts (the scenarios of the design notes) pass against SynAck.</summary>
public sealed class OwnScriptTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "scripts");

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Dir, "*.pkt").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Passes_against_synack(string script)
    {
        var r = DrillRunner.RunFile(Path.Combine(Dir, script));
        Assert.True(r.Verdict == DrillVerdict.Pass, r.Describe());
    }

    [Fact]
    public void Every_scenario_has_a_script()
        => Assert.True(Directory.EnumerateFiles(Dir, "*.pkt").Count() >= 13);
}
