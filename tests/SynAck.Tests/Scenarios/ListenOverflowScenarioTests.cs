using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Scenarios;

/// <summary>scenarios.md: listen-overflow.</summary>
public sealed class ListenOverflowScenarioTests
{
    /// <summary>With SYN cookies off (classic behaviour): the excess SYNs are dropped and the clients retry.</summary>
    [Fact]
    public void ExcessSynsAreDroppedAndRetriedAndNoAcceptedConnectionIsLost()
    {
        const int Clients = 5;
        const int Backlog = 2;
        var rig = new ScenarioRig(server: new TcpSettings { SynCookies = false });
        rig.Server.Listen(ScenarioRig.Port, Backlog);
        var handles = Enumerable.Range(0, Clients).Select(_ => rig.Client.Connect(ScenarioRig.ServerAddress, ScenarioRig.Port, rig.Now)).ToList();
        // The application does not accept for the first half second.
        rig.Net.RunUntil(ScenarioRig.At(500));
        Assert.Equal(Clients - Backlog, rig.Server.Counters.Drops(TcpDropReason.ListenOverflow));
        Assert.Equal(Backlog, handles.Count(h => rig.Client.State(h) == TcpState.Established));

        // From then on it accepts whatever is waiting; the dropped clients retry their SYN (1 s, then 2 s later).
        var accepted = new List<TcpHandle>();
        bool all = rig.Net.RunUntil(() =>
        {
            while (rig.Server.TryAccept(ScenarioRig.Port, out var s))
                accepted.Add(s);
            return accepted.Count == Clients;
        }, ScenarioRig.At(30_000));
        Assert.True(all, $"only {accepted.Count} of {Clients} connections were accepted");
        Assert.All(handles, h => Assert.Equal(TcpState.Established, rig.Client.State(h)));
        Assert.True(rig.Server.Counters.Drops(TcpDropReason.ListenOverflow) >= Clients - Backlog);

        // Every SYN the server dropped was retransmitted after the RFC 6298 initial RTO or its doubling.
        var synTimes = rig.Segments.Where(x => x.From == "client" && x.Flags == TcpFlags.Syn).Select(x => x.Time).Distinct().ToList();
        Assert.Equal([ScenarioRig.At(0), ScenarioRig.At(1000), ScenarioRig.At(3000)], synTimes.Where(t => t <= ScenarioRig.At(3000)));

        // No connection is lost once accepted: each carries its own bytes intact, both ways.
        for (int i = 0; i < Clients; i++)
        {
            var c = handles[i];
            var id = rig.Client.GetConnectionId(c);
            var s = accepted.Single(a => rig.Server.GetConnectionId(a) == ScenarioRig.Mirror(id));
            var up = ScenarioRig.Pattern(5000, 30 + i);
            var down = ScenarioRig.Pattern(3000, 40 + i);
            Assert.Equal(up, rig.Transfer(rig.Client, c, rig.Server, s, up, Duration.FromSeconds(5)));
            Assert.Equal(down, rig.Transfer(rig.Server, s, rig.Client, c, down, Duration.FromSeconds(5)));
        }
        Assert.Equal(Clients, rig.ServerEvents.Connections().Count(cid => rig.ServerEvents.States(cid)[^1] == TcpState.Established));
        Assert.Empty(rig.ServerEvents.Of(TcpEventKind.ConnectionError));
        Assert.Empty(rig.ClientEvents.Of(TcpEventKind.ConnectionError));
        rig.CheckTransitions();
    }
}
