using SynAck.Simulation;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Scenarios;

/// <summary>scenarios.md: close, lifecycle, lost-final-ack (+ no-time-wait), simultaneous-close, reset, half-open.</summary>
public sealed class CloseScenarioTests
{
    private static readonly Duration TwoMsl = Duration.FromSeconds(60);

    [Fact]
    public void CloseIsFourSegmentsAndTheServerKeepsSendingInCloseWait()
    {
        var rig = new ScenarioRig();
        var (c, s) = rig.Open();
        var id = rig.Client.GetConnectionId(c);
        var sid = ScenarioRig.Mirror(id);
        int before = rig.Segments.Count;

        // The client closes its direction first (half-close: it keeps reading).
        rig.Client.Shutdown(c, rig.Now);
        Assert.True(rig.Net.RunUntil(() => rig.Server.IsReceiveComplete(s), rig.Now + Duration.FromSeconds(1)));
        Assert.Equal(TcpState.CloseWait, rig.Server.State(s));
        // The server still has 2,000 bytes to send; the client still receives them.
        var data = ScenarioRig.Pattern(2000, 1);
        Assert.Equal(data, rig.Transfer(rig.Server, s, rig.Client, c, data, Duration.FromSeconds(5)));
        rig.Server.Close(s, rig.Now);
        Assert.True(rig.Net.RunUntil(() => rig.Client.IsReceiveComplete(c), rig.Now + Duration.FromSeconds(1)));
        rig.Client.Close(c, rig.Now);
        rig.Net.RunFor(Duration.FromSeconds(120));

        var close = rig.Segments.Skip(before).ToList();
        var fins = close.Where(x => x.Has(TcpFlags.Fin)).ToList();
        Assert.Equal(["client", "server"], fins.Select(x => x.From));
        Assert.All(fins, f => Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, f.Control));
        // Each FIN is acknowledged by a pure ACK of FIN + 1 from the other side.
        var ackOfClientFin = close.First(x => x.From == "server" && x.Ack == fins[0].Seq + 1);
        var ackOfServerFin = close.First(x => x.From == "client" && x.Ack == fins[1].Seq + fins[1].Length + 1);
        Assert.True(ackOfClientFin.IsPureAck, $"{ackOfClientFin}");
        Assert.True(ackOfServerFin.IsPureAck, $"{ackOfServerFin}");
        // Four control segments, in order FIN, ACK, FIN, ACK; the server's data goes between them.
        Assert.True(fins[0].Time < ackOfClientFin.Time && ackOfClientFin.Time < fins[1].Time && fins[1].Time < ackOfServerFin.Time);
        Assert.Equal(2000, close.Where(x => x.From == "server" && x.Length > 0 && x.Time >= ackOfClientFin.Time && x.Time <= fins[1].Time).Sum(x => x.Length));

        Assert.Equal([TcpState.Established, TcpState.FinWait1, TcpState.FinWait2, TcpState.TimeWait, TcpState.Closed], rig.ClientEvents.States(id)[2..]);
        Assert.Equal([TcpState.Established, TcpState.CloseWait, TcpState.LastAck, TcpState.Closed], rig.ServerEvents.States(sid)[2..]);
        var timeWait = rig.ClientEvents.Entered(id, TcpState.TimeWait);
        var end = rig.ClientEvents.Transitions(id)[^1];
        Assert.Equal((TcpState.Closed, TcpTransitionCause.TimeWaitExpired), (end.To, end.Cause));
        Assert.Equal(TwoMsl, end.Time - timeWait);
        Assert.Equal(TcpTransitionCause.RcvAck, rig.ServerEvents.Transitions(sid)[^1].Cause);
        AssertEmpty(rig);
        rig.CheckTransitions();
    }

    [Fact]
    public void LifecycleHandshakeRequestResponseClose()
    {
        var rig = new ScenarioRig();
        var (c, s) = rig.Open();
        var id = rig.Client.GetConnectionId(c);
        var request = ScenarioRig.Pattern(100, 2);
        var response = ScenarioRig.Pattern(300, 3);
        Assert.Equal(request, rig.Transfer(rig.Client, c, rig.Server, s, request, Duration.FromSeconds(2)));
        Assert.Equal(response, rig.Transfer(rig.Server, s, rig.Client, c, response, Duration.FromSeconds(2)));
        rig.Client.Close(c, rig.Now);
        Assert.True(rig.Net.RunUntil(() => rig.Server.IsReceiveComplete(s), rig.Now + Duration.FromSeconds(1)));
        rig.Server.Close(s, rig.Now);
        rig.Net.RunFor(Duration.FromSeconds(61));

        Assert.Equal(
            [TcpState.Closed, TcpState.SynSent, TcpState.Established, TcpState.FinWait1, TcpState.FinWait2, TcpState.TimeWait, TcpState.Closed],
            rig.ClientEvents.States(id));
        Assert.Equal(
            [TcpState.Listen, TcpState.SynReceived, TcpState.Established, TcpState.CloseWait, TcpState.LastAck, TcpState.Closed],
            rig.ServerEvents.States(ScenarioRig.Mirror(id)));
        var seg = rig.Segments;
        Assert.Equal(100, seg.Where(x => x.From == "client").Sum(x => x.Length));
        Assert.Equal(300, seg.Where(x => x.From == "server").Sum(x => x.Length));
        Assert.Equal(0, rig.Client.Counters.RetransSegs + rig.Server.Counters.RetransSegs);
        AssertEmpty(rig);
        rig.CheckTransitions();
    }

    private static (ScenarioRig Rig, ConnectionId Id, WireSegment ServerFin) LoseTheFinalAck(TcpSettings client)
    {
        var rig = new ScenarioRig(client);
        var (c, s) = rig.Open();
        var id = rig.Client.GetConnectionId(c);
        rig.Client.Close(c, rig.Now);
        Assert.True(rig.Net.RunUntil(() => rig.Server.IsReceiveComplete(s), rig.Now + Duration.FromSeconds(1)));
        rig.Net.RunFor(Duration.FromMilliseconds(50));
        // From here the client's only pure ACK is the one for the server's FIN: lose it.
        var rule = rig.Net.AddRule(PacketRule.DropNth(PacketMatch.PureAck("client"), 1));
        rig.Server.Close(s, rig.Now);
        rig.Net.RunFor(Duration.FromSeconds(200));
        Assert.Equal(1, rule.Fired);
        var serverFin = rig.Segments.First(x => x.From == "server" && x.Has(TcpFlags.Fin));
        return (rig, id, serverFin);
    }

    [Fact]
    public void LostFinalAckIsRepairedByTimeWait()
    {
        var (rig, id, _) = LoseTheFinalAck(TcpSettings.Default);
        var sid = ScenarioRig.Mirror(id);
        var seg = rig.Segments;
        var serverFins = seg.Where(x => x.From == "server" && x.Has(TcpFlags.Fin)).ToList();
        var clientAcks = seg.Where(x => x.From == "client" && x.IsPureAck && x.Ack == serverFins[0].Seq + 1).ToList();

        Assert.Equal(2, serverFins.Count);                       // the FIN and its retransmission
        Assert.Equal(serverFins[0].Seq, serverFins[1].Seq);
        Assert.Equal(2, clientAcks.Count);                       // the lost ACK, and the re-ACK from TIME-WAIT
        Assert.Equal([true, false], clientAcks.Select(x => x.Dropped));
        // The FIN went alone and drew no ACK: the tail loss probe sends it again 2·SRTT + 2 ms later (RFC 8985 §7.2), before
        // the RTO would (the server has not seen this client hold the ACK of a lone segment).
        var probe = Assert.Single(rig.ServerEvents.Of(TcpEventKind.TimerFired), e => e.Timer is TcpTimerKind.LossProbe or TcpTimerKind.Retransmission);
        Assert.Equal(TcpTimerKind.LossProbe, probe.Timer);
        Assert.Equal(probe.Time, serverFins[1].Time);
        Assert.True(serverFins[1].Time - serverFins[0].Time < rig.ServerSettings.MinRto, $"FIN again after {serverFins[1].Time - serverFins[0].Time}");
        Assert.Single(rig.ServerEvents.Of(TcpEventKind.Retransmitted));

        // The client re-ACKed from TIME-WAIT and restarted 2MSL from the retransmitted FIN's arrival.
        Assert.Equal([TcpState.Established, TcpState.FinWait1, TcpState.FinWait2, TcpState.TimeWait, TcpState.Closed], rig.ClientEvents.States(id)[2..]);
        var closed = rig.ClientEvents.Transitions(id)[^1];
        Assert.Equal(TcpTransitionCause.TimeWaitExpired, closed.Cause);
        Assert.Equal(serverFins[1].Time + ScenarioRig.OneWay + TwoMsl, closed.Time);
        // The server reaches CLOSED cleanly on the second ACK.
        var serverEnd = rig.ServerEvents.Transitions(sid)[^1];
        Assert.Equal((TcpState.LastAck, TcpState.Closed, TcpTransitionCause.RcvAck), (serverEnd.From, serverEnd.To, serverEnd.Cause));
        Assert.Equal(clientAcks[1].Time + ScenarioRig.OneWay, serverEnd.Time);
        Assert.Empty(rig.ServerEvents.Errors(sid));
        AssertEmpty(rig);
        rig.CheckTransitions();
    }

    [Fact]
    public void LostFinalAckWithoutTimeWaitEndsInReset()
    {
        var (rig, id, serverFin) = LoseTheFinalAck(new TcpSettings { DemoSkipTimeWait = true });
        var sid = ScenarioRig.Mirror(id);
        var seg = rig.Segments;

        // The client forgot the connection at once; the retransmitted FIN finds no one and gets a RST.
        Assert.Equal([TcpState.Established, TcpState.FinWait1, TcpState.FinWait2, TcpState.Closed], rig.ClientEvents.States(id)[2..]);
        Assert.Equal(0, rig.Client.TimeWaitCount);
        var retransmitted = seg.Where(x => x.From == "server" && x.Has(TcpFlags.Fin)).Skip(1).Single();
        var rst = seg.Single(x => x.Has(TcpFlags.Rst));
        Assert.Equal("client", rst.From);
        Assert.True(rst.Time == retransmitted.Time + ScenarioRig.OneWay);
        Assert.Equal(serverFin.Ack, rst.Seq);  // RFC 9293 §3.10.7.1: <SEQ=SEG.ACK><CTL=RST>
        // The server's close ends in a reset error instead of a clean LAST-ACK → CLOSED on an ACK.
        var serverEnd = rig.ServerEvents.Transitions(sid)[^1];
        Assert.Equal((TcpState.LastAck, TcpState.Closed, TcpTransitionCause.RcvRst), (serverEnd.From, serverEnd.To, serverEnd.Cause));
        Assert.Equal([TcpError.Reset], rig.ServerEvents.Errors(sid));
        AssertEmpty(rig);
        rig.CheckTransitions();
    }

    [Fact]
    public void SimultaneousCloseGoesThroughClosingOnBothSides()
    {
        var rig = new ScenarioRig();
        var (c, s) = rig.Open();
        var id = rig.Client.GetConnectionId(c);
        rig.Client.Close(c, rig.Now);
        rig.Server.Close(s, rig.Now);
        rig.Net.RunFor(Duration.FromSeconds(61));

        var closing = new[] { TcpState.Established, TcpState.FinWait1, TcpState.Closing, TcpState.TimeWait, TcpState.Closed };
        Assert.Equal(closing, rig.ClientEvents.States(id)[2..]);
        Assert.Equal(closing, rig.ServerEvents.States(ScenarioRig.Mirror(id))[2..]);
        var fins = rig.Segments.Where(x => x.Has(TcpFlags.Fin)).ToList();
        Assert.Equal(2, fins.Count);
        Assert.Equal(fins[0].Time, fins[1].Time);
        // Both enter TIME-WAIT when their FIN is acknowledged, and both leave it exactly 2MSL later.
        foreach (var (events, cid) in new[] { (rig.ClientEvents, id), (rig.ServerEvents, ScenarioRig.Mirror(id)) })
            Assert.Equal(TwoMsl, events.Transitions(cid)[^1].Time - events.Entered(cid, TcpState.TimeWait));
        AssertEmpty(rig);
        rig.CheckTransitions();
    }

    [Fact]
    public void ResetAbortsWithOneRstAndNoTimeWait()
    {
        var rig = new ScenarioRig();
        var (c, s) = rig.Open();
        var id = rig.Client.GetConnectionId(c);
        int before = rig.Segments.Count;
        rig.Server.Abort(s, rig.Now);
        rig.Net.RunFor(Duration.FromSeconds(5));

        var after = rig.Segments.Skip(before).ToList();
        var rst = Assert.Single(after);
        // RFC 9293 §3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>, SND.NXT being where the client expects the next byte.
        Assert.Equal("server", rst.From);
        Assert.True(rst.Has(TcpFlags.Rst));
        Assert.Equal(rig.Segments.Last(x => x.From == "client").Ack, rst.Seq);
        var serverTransitions = rig.ServerEvents.Transitions(ScenarioRig.Mirror(id));
        Assert.Equal((TcpState.Established, TcpState.Closed, TcpTransitionCause.Abort), (serverTransitions[^1].From, serverTransitions[^1].To, serverTransitions[^1].Cause));
        // The client's read fails with "connection reset".
        Assert.Equal(TcpError.Reset, rig.Client.Error(c));
        Assert.Equal(TcpState.Closed, rig.Client.State(c));
        Assert.Equal(0, rig.Client.Receive(c, new byte[10], rig.Now));
        var clientEnd = rig.ClientEvents.Transitions(id)[^1];
        Assert.Equal((TcpState.Established, TcpState.Closed, TcpTransitionCause.RcvRst), (clientEnd.From, clientEnd.To, clientEnd.Cause));
        Assert.Equal(0, rig.Client.TimeWaitCount + rig.Server.TimeWaitCount);
        Assert.Equal(1, rig.Server.Counters.OutRsts);
        AssertEmpty(rig);
        rig.CheckTransitions();
    }

    [Fact]
    public void HalfOpenConnectionIsResetByTheRestartedServer()
    {
        var rig = new ScenarioRig();
        var (c, _) = rig.Open();
        var id = rig.Client.GetConnectionId(c);
        var fresh = rig.RestartServer();
        fresh.Listen(ScenarioRig.Port);
        int before = rig.Segments.Count;
        Assert.Equal(5, rig.Client.Send(c, "hello"u8, rig.Now));
        rig.Net.RunFor(Duration.FromSeconds(5));

        var after = rig.Segments.Skip(before).ToList();
        Assert.Equal(2, after.Count);
        Assert.Equal(("client", 5), (after[0].From, after[0].Length));
        // RFC 9293 §3.10.7.1: no connection, the segment has an ACK: <SEQ=SEG.ACK><CTL=RST>.
        Assert.Equal(("server", TcpFlags.Rst, after[0].Ack), (after[1].From, after[1].Flags, after[1].Seq));
        Assert.Equal(TcpError.Reset, rig.Client.Error(c));
        var end = rig.ClientEvents.Transitions(id)[^1];
        Assert.Equal((TcpState.Established, TcpState.Closed, TcpTransitionCause.RcvRst), (end.From, end.To, end.Cause));
        Assert.Empty(rig.ServerEvents.Connections());
        Assert.Equal(0, rig.Client.ConnectionCount + fresh.ConnectionCount);
        rig.CheckTransitions();
    }

    private static void AssertEmpty(ScenarioRig rig)
    {
        Assert.Equal(0, rig.Client.ConnectionCount);
        Assert.Equal(0, rig.Server.ConnectionCount);
        Assert.Equal(0, rig.Client.TimeWaitCount);
        Assert.Equal(0, rig.Server.TimeWaitCount);
    }
}
