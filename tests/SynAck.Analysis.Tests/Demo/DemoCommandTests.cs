using System.Text.Json;
using SynAck.Analysis.Scenarios;

namespace SynAck.Analysis.Tests.Demo;

/// <summary><c>synack demo</c> and <c>synack states</c> on the command line: defaults, listings, JSON, and bad input (exit code 2).</summary>
public sealed class DemoCommandTests
{
    [Fact]
    public void NoArgumentPlaysLifecycle()
    {
        var (code, output, _) = SynackCli.Run("demo");
        Assert.Equal(0, code);
        Assert.StartsWith("lifecycle — ", output, StringComparison.Ordinal);
        Assert.Contains("verdict: clean life", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ListShowsEveryScenarioOnOneLine()
    {
        var (code, output, _) = SynackCli.Run("demo", "--list");
        Assert.Equal(0, code);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal(ScenarioCatalog.All.Count, lines.Length);
        Assert.All(ScenarioCatalog.All.Zip(lines), p => Assert.StartsWith(p.First.Name + " ", p.Second, StringComparison.Ordinal));
    }

    [Fact]
    public void WhatIfHelpListsTheCounterfactuals()
    {
        var (code, output, _) = SynackCli.Run("demo", "--what-if", "help");
        Assert.Equal(0, code);
        Assert.Contains("no-time-wait", output, StringComparison.Ordinal);
        Assert.Contains("two-way-handshake", output, StringComparison.Ordinal);
    }

    [Fact]
    public void WhatIfSwitchPlaysTheCounterfactual()
    {
        var (code, output, _) = SynackCli.Run("demo", "lost-final-ack", "--what-if", "no-time-wait");
        Assert.Equal(0, code);
        Assert.Contains("verdict: BROKEN without TIME-WAIT", output, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonCarriesVerdictFactsAndEvents()
    {
        var (code, output, _) = SynackCli.Run("demo", "close", "--json", "--seed", "3");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("close", root.GetProperty("scenario").GetString());
        Assert.Equal(3ul, root.GetProperty("options").GetProperty("seed").GetUInt64());
        Assert.StartsWith("verdict: clean close", root.GetProperty("verdict").GetString(), StringComparison.Ordinal);
        Assert.Equal(60.0, root.GetProperty("facts").GetProperty("client_time_wait_seconds").GetDouble());
        Assert.True(root.GetProperty("events").GetArrayLength() > 20);
        Assert.Contains(root.GetProperty("ladder").EnumerateArray(), e => e.GetProperty("type").GetString() == "segment" && e.GetProperty("flags").GetString() == "FIN,ACK");
    }

    [Fact]
    public void RttAndLossSwitchesReachTheSimulator()
    {
        var (code, output, _) = SynackCli.Run("demo", "handshake", "--rtt", "100", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var synAck = doc.RootElement.GetProperty("ladder").EnumerateArray().First(e => e.GetProperty("type").GetString() == "segment" && e.GetProperty("flags").GetString() == "SYN,ACK");
        Assert.Equal(50.0, synAck.GetProperty("time_ms").GetDouble());
        Assert.Equal(100.0, synAck.GetProperty("arrived_ms").GetDouble());
        Assert.Equal(0, SynackCli.Run("demo", "lifecycle", "--loss", "0.3", "--seed", "5").Code);
    }

    [Theory]
    [InlineData("demo", "no-such-scenario")]
    [InlineData("demo", "--no-such-switch")]
    [InlineData("demo", "handshake", "--what-if", "no-time-wait")]
    [InlineData("demo", "lost-final-ack", "--what-if", "never")]
    [InlineData("demo", "--seed", "minus-one")]
    [InlineData("states", "--highlight", "no-such-scenario")]
    [InlineData("states", "--bogus")]
    [InlineData("no-such-command")]
    public void BadInputPrintsTheValidChoicesAndExitsTwo(params string[] args)
    {
        var (code, _, error) = SynackCli.Run(args);
        Assert.Equal(2, code);
        Assert.Contains("error:", error, StringComparison.Ordinal);
        Assert.Contains("valid", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--loss", "2")]
    [InlineData("--loss", "-0.1")]
    [InlineData("--msl", "-1")]
    [InlineData("--msl", "0")]
    [InlineData("--rtt", "-5")]
    public void ImpossibleValuesGetAOneLineErrorAndExitTwo(string option, string value)
    {
        var (code, output, error) = SynackCli.Run("demo", option, value);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Contains(option, error, StringComparison.Ordinal);
    }
}
