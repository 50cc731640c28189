using SynAck.Simulation;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Scenarios;

/// <summary>scenarios.md: handshake, simultaneous-open, syn-lost, refused, listen-overflow.</summary>
public sealed class OpenScenarioTests
{
    private static Instant At(double ms) => ScenarioRig.At(ms);

    [Fact]
    public void Handshake()
    {
        var rig = new ScenarioRig();
        var (c, s) = rig.Open();
        var id = rig.Client.GetConnectionId(c);

        Assert.Equal([TcpState.Closed, TcpState.SynSent, TcpState.Established], rig.ClientEvents.States(id));
        Assert.Equal([TcpState.Listen, TcpState.SynReceived, TcpState.Established], rig.ServerEvents.States(ScenarioRig.Mirror(id)));
        Assert.Equal(At(20), rig.ClientEvents.Entered(id, TcpState.Established));
        Assert.Equal(At(30), rig.ServerEvents.Entered(ScenarioRig.Mirror(id), TcpState.Established));

        var seg = rig.Segments;
        Assert.Equal(3, seg.Count);
        var (syn, synAck, ack) = (seg[0], seg[1], seg[2]);
        Assert.Equal(("client", TcpFlags.Syn, At(0)), (syn.From, syn.Flags, syn.Time));
        Assert.Equal(("server", TcpFlags.Syn | TcpFlags.Ack, At(10)), (synAck.From, synAck.Flags, synAck.Time));
        Assert.Equal(("client", TcpFlags.Ack, At(20)), (ack.From, ack.Flags, ack.Time));
        Assert.Equal(syn.Seq + 1, synAck.Ack);       // the server acknowledges the client's ISN + 1
        Assert.Equal(syn.Seq + 1, ack.Seq);
        Assert.Equal(synAck.Seq + 1, ack.Ack);       // and the client the server's
        Assert.Equal(TcpState.Established, rig.Server.State(s));
        rig.CheckTransitions();
    }

    [Fact]
    public void SimultaneousOpen()
    {
        var rig = new ScenarioRig();
        // Both sides actively open towards each other's fixed port at the same instant.
        var c = rig.Client.Connect(ScenarioRig.ServerAddress, 6000, rig.Now, localPort: 5000);
        var s = rig.Server.Connect(ScenarioRig.ClientAddress, 5000, rig.Now, localPort: 6000);
        Assert.True(rig.Net.RunUntil(() => rig.Client.State(c) == TcpState.Established && rig.Server.State(s) == TcpState.Established, At(5000)));
        rig.Net.RunFor(Duration.FromSeconds(1));

        var id = rig.Client.GetConnectionId(c);
        Assert.Equal([TcpState.Closed, TcpState.SynSent, TcpState.SynReceived, TcpState.Established], rig.ClientEvents.States(id));
        Assert.Equal([TcpState.Closed, TcpState.SynSent, TcpState.SynReceived, TcpState.Established], rig.ServerEvents.States(ScenarioRig.Mirror(id)));

        var seg = rig.Segments;
        Assert.Equal(4, seg.Count);
        Assert.Equal([TcpFlags.Syn, TcpFlags.Syn], seg.Take(2).Select(x => x.Flags));
        Assert.Equal([TcpFlags.Syn | TcpFlags.Ack, TcpFlags.Syn | TcpFlags.Ack], seg.Skip(2).Select(x => x.Flags));
        var clientSyn = seg.Single(x => x.From == "client" && x.Flags == TcpFlags.Syn);
        var serverSyn = seg.Single(x => x.From == "server" && x.Flags == TcpFlags.Syn);
        var clientSynAck = seg.Single(x => x.From == "client" && x.Flags != TcpFlags.Syn);
        var serverSynAck = seg.Single(x => x.From == "server" && x.Flags != TcpFlags.Syn);
        // Each SYN-ACK repeats its sender's ISN and acknowledges the other's.
        Assert.Equal((clientSyn.Seq, serverSyn.Seq + 1), (clientSynAck.Seq, clientSynAck.Ack));
        Assert.Equal((serverSyn.Seq, clientSyn.Seq + 1), (serverSynAck.Seq, serverSynAck.Ack));
        rig.CheckTransitions();
    }

    [Fact]
    public void SynLostIsRetransmittedWithExponentialBackoff()
    {
        var rig = new ScenarioRig();
        var rule = rig.Net.AddRule(PacketRule.DropFirst(PacketMatch.Syn("client"), 3));
        rig.Server.Listen(ScenarioRig.Port);
        var c = rig.Client.Connect(ScenarioRig.ServerAddress, ScenarioRig.Port, rig.Now);
        Assert.True(rig.Net.RunUntil(() => rig.Client.State(c) == TcpState.Established, At(60_000)));

        var syns = rig.Segments.Where(x => x.From == "client" && x.Flags == TcpFlags.Syn).ToList();
        // RFC 6298: initial RTO 1 s, doubled on each expiry: SYNs at 0, 1, 3 and 7 s.
        Assert.Equal([At(0), At(1000), At(3000), At(7000)], syns.Select(x => x.Time));
        Assert.Equal([true, true, true, false], syns.Select(x => x.Dropped));
        Assert.All(syns, x => Assert.Equal(syns[0].Seq, x.Seq));
        Assert.Equal(3, rule.Fired);
        var id = rig.Client.GetConnectionId(c);
        Assert.Equal([TcpState.Closed, TcpState.SynSent, TcpState.Established], rig.ClientEvents.States(id));
        Assert.Equal(At(7020), rig.ClientEvents.Entered(id, TcpState.Established));
        Assert.Equal(3, rig.ClientEvents.Of(TcpEventKind.Retransmitted).Count());
        rig.CheckTransitions();
    }

    [Fact]
    public void SynAllLostTimesOutAfterTheConfiguredRetries()
    {
        var rig = new ScenarioRig();
        rig.Net.AddRule(PacketRule.DropAll(PacketMatch.Syn("client")));
        rig.Server.Listen(ScenarioRig.Port);
        var c = rig.Client.Connect(ScenarioRig.ServerAddress, ScenarioRig.Port, rig.Now);
        var id = rig.Client.GetConnectionId(c);
        Assert.True(rig.Net.RunUntil(() => rig.Client.State(c) == TcpState.Closed, At(600_000)));

        var syns = rig.Segments.Where(x => x.From == "client").ToList();
        // The first SYN and SynRetries (6) retransmissions, 1, 2, 4, 8, 16, 32 s apart; the last waits 64 s more.
        Assert.Equal(1 + rig.ClientSettings.SynRetries, syns.Count);
        Assert.Equal(new[] { 0.0, 1, 3, 7, 15, 31, 63 }.Select(s => At(s * 1000)), syns.Select(x => x.Time));
        Assert.All(syns, x => Assert.True(x.Dropped && x.Flags == TcpFlags.Syn));
        Assert.Equal(TcpError.TimedOut, rig.Client.Error(c));
        Assert.Equal([TcpError.TimedOut], rig.ClientEvents.Errors(id));
        var last = rig.ClientEvents.Transitions(id)[^1];
        Assert.Equal((TcpState.SynSent, TcpState.Closed, TcpTransitionCause.Timeout, At(127_000)), (last.From, last.To, last.Cause, last.Time));
        Assert.Equal(0, rig.Client.ConnectionCount);
        rig.CheckTransitions();
    }

    [Fact]
    public void Refused()
    {
        var rig = new ScenarioRig();
        var c = rig.Client.Connect(ScenarioRig.ServerAddress, ScenarioRig.Port, rig.Now);
        var id = rig.Client.GetConnectionId(c);
        rig.Net.RunFor(Duration.FromSeconds(5));

        var seg = rig.Segments;
        Assert.Equal(2, seg.Count);
        Assert.Equal(TcpFlags.Syn, seg[0].Flags);
        // RFC 9293 §3.10.7.1: no connection, the SYN has no ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
        Assert.Equal(("server", TcpFlags.Rst | TcpFlags.Ack, new SeqNum(0), seg[0].Seq + 1), (seg[1].From, seg[1].Flags, seg[1].Seq, seg[1].Ack));
        Assert.Equal(TcpError.Refused, rig.Client.Error(c));
        Assert.Equal(TcpState.Closed, rig.Client.State(c));
        Assert.Equal([TcpState.Closed, TcpState.SynSent, TcpState.Closed], rig.ClientEvents.States(id));
        Assert.Equal(At(20), rig.ClientEvents.Transitions(id)[^1].Time);
        Assert.Equal(0, rig.Client.ConnectionCount + rig.Server.ConnectionCount);
        rig.CheckTransitions();
    }
}
