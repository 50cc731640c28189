using System.Xml.Linq;
using SynAck.Analysis.States;
using SynAck.Analysis.Tests.Demo;
using SynAck.Tcp;

namespace SynAck.Analysis.Tests.States;

/// <summary><c>synack states</c>: the diagram comes from the engine's TcpStateTable — all eleven states, every transition.</summary>
public sealed class StatesCommandTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void EdgesAreTheEnginesTable()
    {
        Assert.Equal(TcpStateTable.Transitions.Count, StateTableEdges.All.Count);
        Assert.All(TcpStateTable.Transitions, t => Assert.Contains(StateTableEdges.ToEdge(t), StateTableEdges.All));
        Assert.Equal(11, StateTableEdges.All.SelectMany(e => new[] { e.From, e.To }).Distinct().Count());
    }

    [Fact]
    public void SvgDrawsAllElevenStatesAndEveryTransition()
    {
        string dir = Directory.CreateTempSubdirectory("synack-states-").FullName;
        try
        {
            string file = Path.Combine(dir, "states.svg");
            var (code, _, _) = SynackCli.Run("states", "--svg", file);
            Assert.Equal(0, code);
            var doc = XDocument.Load(file);
            var states = doc.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "state").Select(g => (string)g.Attribute("data-state")!).ToList();
            Assert.Equal(Enum.GetValues<TcpState>().Select(TcpStateTable.RfcName).Order(), states.Order());
            var arcs = doc.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "transition")
                .SelectMany(g => ((string)g.Attribute("data-causes")!).Split(',').Select(c => new StateEdge((string)g.Attribute("data-from")!, (string)g.Attribute("data-to")!, c)))
                .ToHashSet();
            Assert.All(TcpStateTable.Transitions, t => Assert.Contains(StateTableEdges.ToEdge(t), arcs));
            Assert.Equal(TcpStateTable.Transitions.Count, arcs.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TextListsEveryTransitionUnderItsState()
    {
        var (code, output, _) = SynackCli.Run("states");
        Assert.Equal(0, code);
        foreach (var t in TcpStateTable.Transitions)
        {
            string from = TcpStateTable.RfcName(t.From);
            int block = output.IndexOf("\n" + from + "\n", StringComparison.Ordinal);
            Assert.True(block >= 0, from);
            Assert.Contains($"→ {TcpStateTable.RfcName(t.To),-13} on {StateTableEdges.Cause(t.Cause)}", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void HighlightMarksTheClientsAndTheServersPath()
    {
        string dir = Directory.CreateTempSubdirectory("synack-states-").FullName;
        try
        {
            string file = Path.Combine(dir, "states.svg");
            var (code, output, _) = SynackCli.Run("states", "--highlight", "close", "--svg", file);
            Assert.Equal(0, code);
            Assert.Contains("L  → FIN-WAIT-1", output, StringComparison.Ordinal);
            Assert.Contains("R  → CLOSE-WAIT", output, StringComparison.Ordinal);
            var marked = XDocument.Load(file).Descendants(Svg + "g").Where(g => g.Attribute("data-highlight") is not null)
                .Select(g => ((string)g.Attribute("data-from")!, (string)g.Attribute("data-to")!, (string)g.Attribute("data-highlight")!)).ToList();
            Assert.Contains(("TIME-WAIT", "CLOSED", "L"), marked);
            Assert.Contains(("LAST-ACK", "CLOSED", "R"), marked);
            Assert.Contains(("SYN-SENT", "ESTABLISHED", "L"), marked);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AsciiSwitchKeepsTheOutputAscii()
    {
        var (code, output, _) = SynackCli.Run("states", "--ascii");
        Assert.Equal(0, code);
        Assert.All(output, c => Assert.True(c < 128));
    }
}
