using System.Text.Json;
using SynAck.Analysis.Scenarios;
using SynAck.Tcp;

namespace SynAck.Analysis.Tests.Demo;

/// <summary>
/// The command line's answers to bad input (issue H, item 8): one message a person can act on, a suggestion where
/// one is near, no .NET type names, exit code 2; and the listings a program reads, as JSON.
/// </summary>
public sealed class CliInputTests
{
    [Theory]
    [InlineData(new[] { "demoo" }, "error: unknown command or switch 'demoo'", "did you mean 'demo'?")]
    [InlineData(new[] { "stats" }, "error: unknown command or switch 'stats'", "did you mean 'states'?")]
    [InlineData(new[] { "demo", "--lst" }, "error: unknown switch '--lst'", "did you mean '--list'?")]
    [InlineData(new[] { "demo", "handshak" }, "error: unknown scenario 'handshak'", "did you mean 'handshake'?")]
    [InlineData(new[] { "demo", "--loss", "abc" }, "error: --loss: 'abc' is not a number", "valid switches:")]
    [InlineData(new[] { "demo", "--seed", "-1" }, "error: --seed: '-1' is not a whole number of 0 or more", "valid switches:")]
    [InlineData(new[] { "demo", "--rtt", "fast" }, "error: --rtt: 'fast' is not a number", "valid switches:")]
    [InlineData(new[] { "states", "--svg", "/" }, "error: --svg: '/' is a directory; give a file name", null)]
    [InlineData(new[] { "states", "--svg", "/no/such/folder/x.svg" }, "error: --svg: the folder '/no/such/folder' does not exist", null)]
    [InlineData(new[] { "demo", "--pcap", "/" }, "error: --pcap: '/' is a directory; give a file name", null)]
    [InlineData(new[] { "demo", "--svg", "/" }, "error: --svg: '/' is a directory; give a file name", null)]
    [InlineData(new[] { "analyze", "/" }, "error: '/' is a directory; give a capture file", null)]
    [InlineData(new[] { "analyze", "/etc/passwd" }, "error: '/etc/passwd' is not a capture: unknown magic number", null)]
    [InlineData(new[] { "analyze", "--bogus", "x.pcap" }, "error: unknown switch '--bogus'", null)]
    [InlineData(new[] { "analyze", "--jsn", "x.pcap" }, "error: unknown switch '--jsn'; did you mean '--json'?", null)]
    [InlineData(new[] { "analyze", "/no/such/file.pcap" }, "error: cannot open '/no/such/file.pcap'", null)]
    [InlineData(new[] { "analyze", "a.pcap", "b.pcap" }, "error: unexpected argument 'b.pcap' (analyze takes one FILE)", null)]
    [InlineData(new[] { "soak", "--minutes", "0" }, "error: --minutes 0 is not between 0 and 1440", null)]
    [InlineData(new[] { "soak", "--clients", "0" }, "error: --clients 0 is not between 1 and 256", null)]
    [InlineData(new[] { "soak", "--loss", "0.7" }, "error: --loss 0.7 is not a probability below 0.5", null)]
    [InlineData(new[] { "soak", "--minutes", "ten" }, "error: --minutes: 'ten' is not a number", "valid switches:")]
    public void BadInputGetsOneClearMessageAndExitTwo(string[] args, string first, string? then)
    {
        var (code, output, error) = SynackCli.Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        var lines = error.TrimEnd('\n').Split('\n');
        Assert.StartsWith(first, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command was not provided", error, StringComparison.Ordinal);
        Assert.Single(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
        if (then is not null)
            Assert.Contains(lines.Skip(1), l => l.StartsWith(then, StringComparison.Ordinal));
    }

    [Fact]
    public void NothingNearGetsNoSuggestion()
    {
        var (code, _, error) = SynackCli.Run("frobnicate");
        Assert.Equal(2, code);
        Assert.DoesNotContain("did you mean", error, StringComparison.Ordinal);
        Assert.Contains("valid commands: demo, states", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DemoListAsJsonNamesEveryScenarioAndItsWhatIfs()
    {
        var (code, output, _) = SynackCli.Run("demo", "--list", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var items = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(ScenarioCatalog.All.Select(s => s.Name), items.Select(i => i.GetProperty("name").GetString()));
        var lostFinalAck = items.Single(i => i.GetProperty("name").GetString() == "lost-final-ack");
        Assert.Contains(lostFinalAck.GetProperty("what_ifs").EnumerateArray(), w => w.GetString() == "no-time-wait");
    }

    [Fact]
    public void WhatIfHelpAsJsonListsEachCounterfactualWithItsScenarios()
    {
        var (code, output, _) = SynackCli.Run("demo", "--what-if", "help", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var twoWay = doc.RootElement.EnumerateArray().Single(i => i.GetProperty("name").GetString() == "two-way-handshake");
        Assert.Equal(["old-duplicate-syn"], twoWay.GetProperty("scenarios").EnumerateArray().Select(s => s.GetString()));
        Assert.False(string.IsNullOrEmpty(twoWay.GetProperty("explanation").GetString()));
    }

    [Fact]
    public void StatesAsJsonIsTheEngineTableWithTheHighlightedPath()
    {
        var (code, output, _) = SynackCli.Run("states", "--json", "--highlight", "lifecycle");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var transitions = doc.RootElement.GetProperty("transitions").EnumerateArray().ToList();
        Assert.Equal(TcpStateTable.Transitions.Count, transitions.Count);
        Assert.Equal(11, doc.RootElement.GetProperty("states").GetArrayLength());
        Assert.Equal("lifecycle", doc.RootElement.GetProperty("highlight").GetString());
        bool Took(string side, string from, string to) => transitions.Any(t =>
            t.GetProperty("from").GetString() == from && t.GetProperty("to").GetString() == to && t.GetProperty(side).GetBoolean());
        Assert.True(Took("client_took", "SYN-SENT", "ESTABLISHED"));
        Assert.True(Took("server_took", "LISTEN", "SYN-RECEIVED"));
        Assert.False(Took("client_took", "LISTEN", "SYN-RECEIVED"));
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("states")]
    [InlineData("analyze")]
    [InlineData("serve")]
    [InlineData("connect")]
    [InlineData("bench")]
    [InlineData("soak")]
    public void HelpStatesTheExitCodes(string command)
    {
        var (code, output, _) = SynackCli.Run(command, "--help");
        Assert.Equal(0, code);
        Assert.Contains("Exit codes: 0 ", output, StringComparison.Ordinal);
        Assert.Contains("2 bad input", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("demo lif", 8, "lifecycle")]
    [InlineData("demo lost --what-if no", 22, "no-time-wait")]
    [InlineData("states --highlight sim", 22, "simultaneous-close")]
    public void CompletionOffersScenariosAndWhatIfs(string line, int position, string expected)
    {
        var (code, output, _) = SynackCli.Run($"[suggest:{position}]", line);
        Assert.Equal(0, code);
        Assert.Contains(expected, output.Split('\n'));
    }
}
