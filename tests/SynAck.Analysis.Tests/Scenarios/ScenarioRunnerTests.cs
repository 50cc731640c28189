using SynAck.Analysis.Ladder;
using SynAck.Analysis.Scenarios;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;
using static SynAck.Tcp.TcpState;

namespace SynAck.Analysis.Tests.Scenarios;

/// <summary>Every scenario of scenarios.md and every what-if: the states, errors, bytes and verdicts the design asks for.</summary>
public sealed class ScenarioRunnerTests
{
    private static ScenarioRun Run(string name, WhatIf whatIf = WhatIf.None) => ScenarioRunner.Run(name, new ScenarioOptions { WhatIf = whatIf });

    private static List<LadderSegment> Segments(ScenarioRun run) => run.Ladder.Segments.ToList();

    private static bool Has(TcpFlags flags, TcpFlags f) => (flags & f) == f;

    [Fact]
    public void HandshakeTakesThreeSegmentsAndAcknowledgesEachIsnPlusOne()
    {
        var run = Run("handshake");
        var f = run.Facts;
        Assert.Equal([Closed, SynSent, Established], f.ClientStates);
        Assert.Equal([Closed, Listen, SynReceived, Established], f.ServerStates);
        var s = Segments(run);
        Assert.Equal(3, s.Count);
        Assert.Equal(TcpFlags.Syn, s[0].Segment.Flags);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, s[1].Segment.Flags);
        Assert.Equal(TcpFlags.Ack, s[2].Segment.Flags);
        // Relative numbering: each ISN is 0, so "ack = ISN + 1" reads ack=1 both ways.
        Assert.Equal(1u, s[1].Segment.Acknowledgment);
        Assert.Equal(1u, s[2].Segment.Acknowledgment);
        Assert.Equal(1, f.ServerAccepted);
        Assert.True(run.Healthy);
        Assert.StartsWith("verdict: connected in one round trip", run.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void CloseTakesFourStepsWithDataAfterTheFirstFinAndTwoMslOfTimeWait()
    {
        var run = Run("close");
        var f = run.Facts;
        Assert.Equal([Closed, SynSent, Established, FinWait1, FinWait2, TimeWait, Closed], f.ClientStates);
        Assert.Equal([Closed, Listen, SynReceived, Established, CloseWait, LastAck, Closed], f.ServerStates);
        Assert.Equal(Duration.FromSeconds(60L), f.ClientTimeWait);
        Assert.Null(f.ServerTimeWait);
        Assert.Equal(2000, f.ServerBytesSent);
        Assert.Equal(2000, f.ClientBytesReceived);
        Assert.True(f.DataIntact);
        Assert.Equal(0, f.ClientConnectionsLeft + f.ServerConnectionsLeft);

        // The server's ACK of the client's FIN goes alone, before its data and its FIN.
        var s = Segments(run);
        int clientFin = s.FindIndex(x => x.From == LadderSide.Left && Has(x.Segment.Flags, TcpFlags.Fin));
        int serverFin = s.FindIndex(x => x.From == LadderSide.Right && Has(x.Segment.Flags, TcpFlags.Fin));
        Assert.True(clientFin >= 0 && serverFin > clientFin);
        var ackOfFin = s[clientFin + 1];
        Assert.Equal(LadderSide.Right, ackOfFin.From);
        Assert.Equal(TcpFlags.Ack, ackOfFin.Segment.Flags);
        Assert.Equal(s[clientFin].Segment.Sequence + 1, ackOfFin.Segment.Acknowledgment);
        Assert.Contains(s.Skip(clientFin + 1).Take(serverFin - clientFin), x => x.From == LadderSide.Right && x.Segment.Length > 0);
        Assert.True(run.Healthy);
        Assert.Contains("2,000 bytes", run.Explanation, StringComparison.Ordinal);
        Assert.StartsWith("verdict: clean close; client held TIME-WAIT for 60 s", run.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void LifecycleOpensCarriesARequestAndResponseAndCloses()
    {
        var f = Run("lifecycle").Facts;
        Assert.Equal([Closed, SynSent, Established, FinWait1, FinWait2, TimeWait, Closed], f.ClientStates);
        Assert.Equal([Closed, Listen, SynReceived, Established, CloseWait, LastAck, Closed], f.ServerStates);
        Assert.Equal(100, f.ServerBytesReceived);
        Assert.Equal(1000, f.ClientBytesReceived);
        Assert.True(f.DataIntact);
        Assert.Empty(f.ClientErrors);
        Assert.Empty(f.ServerErrors);
    }

    [Fact]
    public void MslOptionSetsTheTimeWaitDuration()
    {
        var run = ScenarioRunner.Run("lifecycle", new ScenarioOptions { Msl = Duration.FromSeconds(2L) });
        Assert.Equal(Duration.FromSeconds(4L), run.Facts.ClientTimeWait);
    }

    [Fact]
    public void LostFinalAckIsRepairedByTimeWait()
    {
        var run = Run("lost-final-ack");
        var f = run.Facts;
        Assert.Equal(1, f.ServerRetransmissions);
        Assert.Equal(1, f.SegmentsDropped);
        Assert.Empty(f.ServerErrors);
        Assert.Equal(Closed, f.ServerStates[^1]);
        // TIME-WAIT restarted when the retransmitted FIN came: longer than one 2MSL.
        Assert.True(f.ClientTimeWait > Duration.FromSeconds(60L));
        Assert.Single(Segments(run), x => x.Dropped);
        Assert.True(run.Healthy);
    }

    [Fact]
    public void LostFinalAckWithoutTimeWaitEndsInAResetError()
    {
        var run = Run("lost-final-ack", WhatIf.NoTimeWait);
        var f = run.Facts;
        Assert.Null(f.ClientTimeWait);
        Assert.Equal([TcpError.Reset], f.ServerErrors);
        Assert.Contains(Segments(run), x => x.From == LadderSide.Left && Has(x.Segment.Flags, TcpFlags.Rst));
        Assert.False(run.Healthy);
        Assert.Contains("BROKEN", run.Verdict, StringComparison.Ordinal);
        Assert.Contains("connection reset", run.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void DelayedDuplicateCannotReuseTheTupleDuringTimeWait()
    {
        var run = Run("delayed-duplicate");
        var f = run.Facts;
        Assert.Equal(0, f.CorruptedBytes);
        Assert.True(f.DataIntact);
        Assert.Equal(2, f.ServerAccepted);
        Assert.Contains(run.Ladder.Entries, e => e is LadderNote n && n.Text.Contains("TIME-WAIT", StringComparison.Ordinal));
        Assert.True(run.Healthy);
        Assert.StartsWith("verdict: safe", run.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void DelayedDuplicateWithoutTimeWaitCorruptsTheNewConnection()
    {
        var run = Run("delayed-duplicate", WhatIf.NoTimeWait);
        var f = run.Facts;
        Assert.Equal(DelayedDuplicateBytes, f.CorruptedBytes);
        Assert.False(f.DataIntact);
        Assert.Empty(f.ClientErrors);
        Assert.Empty(f.ServerErrors);
        Assert.False(run.Healthy);
        Assert.Contains("BROKEN", run.Verdict, StringComparison.Ordinal);
        Assert.Contains("corrupted", run.Verdict, StringComparison.Ordinal);
    }

    private const long DelayedDuplicateBytes = 1460;

    [Fact]
    public void OldDuplicateSynIsRefusedByTheThirdStep()
    {
        var run = Run("old-duplicate-syn");
        var f = run.Facts;
        Assert.Equal([Closed, Listen, SynReceived, Listen], f.ServerStates);
        Assert.Empty(f.ClientStates);
        Assert.Equal(0, f.ServerAccepted);
        Assert.Equal(0, f.ServerBytesReceived);
        Assert.Equal(0, f.ServerConnectionsLeft);
        Assert.Contains(Segments(run), x => x.From == LadderSide.Left && Has(x.Segment.Flags, TcpFlags.Rst));
        Assert.True(run.Healthy);
    }

    [Fact]
    public void OldDuplicateSynWithATwoWayHandshakeDeliversStaleData()
    {
        var run = Run("old-duplicate-syn", WhatIf.TwoWayHandshake);
        var f = run.Facts;
        Assert.Equal(Established, f.ServerStates[2]);
        Assert.Equal(1, f.ServerAccepted);
        Assert.Equal(14, f.ServerBytesReceived);
        Assert.True(f.CorruptedBytes > 0);
        Assert.False(run.Healthy);
        Assert.Contains("BROKEN", run.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void SimultaneousOpenPassesSynReceivedOnBothSides()
    {
        var run = Run("simultaneous-open");
        TcpState[] path = [Closed, SynSent, SynReceived, Established];
        Assert.Equal(path, run.Facts.ClientStates);
        Assert.Equal(path, run.Facts.ServerStates);
        Assert.Equal(4, run.Facts.Segments);
        Assert.True(run.Healthy);
    }

    [Fact]
    public void SimultaneousCloseReachesClosingAndTimeWaitOnBothSides()
    {
        var f = Run("simultaneous-close").Facts;
        TcpState[] tail = [Established, FinWait1, Closing, TimeWait, Closed];
        Assert.Equal(tail, f.ClientStates.TakeLast(5));
        Assert.Equal(tail, f.ServerStates.TakeLast(5));
        Assert.Equal(Duration.FromSeconds(60L), f.ClientTimeWait);
        Assert.Equal(Duration.FromSeconds(60L), f.ServerTimeWait);
    }

    [Fact]
    public void ResetEndsWithTheAbortsRstAndNoTimeWait()
    {
        var run = Run("reset");
        var f = run.Facts;
        Assert.Equal([TcpError.Reset], f.ClientErrors);
        Assert.Equal([Closed, Listen, SynReceived, Established, Closed], f.ServerStates);
        Assert.Null(f.ServerTimeWait);
        Assert.Null(f.ClientTimeWait);
        // The abort's RST, and a second one answering the client's ACK of the answer, sent as the client read it and
        // crossing the first on the way (RFC 9293 §3.10.7.1: a segment for no connection draws a reset).
        var segments = Segments(run);
        var rsts = segments.Where(x => Has(x.Segment.Flags, TcpFlags.Rst)).ToList();
        Assert.Equal(2, rsts.Count);
        Assert.All(rsts, r => Assert.Equal(LadderSide.Right, r.From));
        var crossing = Assert.Single(segments, x => x.From == LadderSide.Left && x.At >= rsts[0].At && x.At < rsts[0].ArrivedAt);
        Assert.True(Has(crossing.Segment.Flags, TcpFlags.Ack) && !Has(crossing.Segment.Flags, TcpFlags.Rst), $"{crossing}");
        Assert.Equal(crossing.ArrivedAt, rsts[1].At);
        Assert.DoesNotContain(Segments(run), x => Has(x.Segment.Flags, TcpFlags.Fin));
        Assert.Equal(500, f.ClientBytesReceived);
    }

    [Fact]
    public void HalfOpenConnectionLearnsOfTheCrashFromRst()
    {
        var run = Run("half-open");
        var f = run.Facts;
        Assert.Equal([TcpError.Reset], f.ClientErrors);
        Assert.Equal(Closed, f.ClientStates[^1]);
        Assert.Equal(0, f.ClientConnectionsLeft);
        Assert.Contains(run.Ladder.Entries, e => e is LadderNote n && n.Text == "server crashes");
        Assert.Equal(LadderSide.Right, Segments(run)[^1].From);
        Assert.True(Has(Segments(run)[^1].Segment.Flags, TcpFlags.Rst));
    }

    [Fact]
    public void SynLostRetriesAfterOneTwoAndFourSecondsThenTimesOut()
    {
        var run = Run("syn-lost");
        var syns = Segments(run).Where(x => x.Segment.Flags == TcpFlags.Syn).ToList();
        // Connection 1: four SYNs, the first three lost, 1 s, 2 s, 4 s apart.
        Assert.Equal([Instant.Zero, Ms(1000), Ms(3000), Ms(7000)], syns.Take(4).Select(x => x.At - run.Ladder.Start).Select(d => new Instant(d.Nanoseconds)));
        Assert.Equal([true, true, true, false], syns.Take(4).Select(x => x.Dropped));
        // Connection 2: the first SYN and six retries, all lost, then "timed out".
        Assert.Equal(7, syns.Skip(4).Count());
        Assert.All(syns.Skip(4), x => Assert.True(x.Dropped));
        Assert.Equal([TcpError.TimedOut], run.Facts.ClientErrors);
        Assert.True(run.Healthy);
    }

    private static Instant Ms(long ms) => new(ms * 1_000_000);

    [Fact]
    public void RefusedConnectionGetsRstAckAndTheRefusedError()
    {
        var run = Run("refused");
        Assert.Equal([Closed, SynSent, Closed], run.Facts.ClientStates);
        Assert.Equal([TcpError.Refused], run.Facts.ClientErrors);
        var s = Segments(run);
        Assert.Equal(2, s.Count);
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, s[1].Segment.Flags);
        Assert.Equal(1u, s[1].Segment.Acknowledgment);
    }

    [Fact]
    public void ListenOverflowDropsExcessSynsAndLosesNoAcceptedConnection()
    {
        var run = Run("listen-overflow");
        var f = run.Facts;
        Assert.Equal(4, f.ServerAccepted);
        Assert.Equal(4, f.ClientEstablished);
        Assert.Empty(f.ClientErrors);
        Assert.Equal(2, f.ClientRetransmissions);
        Assert.Equal(2, run.Ladder.Entries.OfType<LadderNote>().Count(n => n.Text.Contains("backlog full", StringComparison.Ordinal)));
        Assert.True(run.Healthy);
    }

    public static TheoryData<string, WhatIf> EveryRun()
    {
        var data = new TheoryData<string, WhatIf>();
        foreach (var s in ScenarioCatalog.All)
        {
            data.Add(s.Name, WhatIf.None);
            foreach (var w in s.WhatIfs)
                data.Add(s.Name, w);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryRun))]
    public void EveryRunIsDeterministicAndCounterfactualsAreNeverHealthy(string name, WhatIf whatIf)
    {
        var a = ScenarioRunner.Run(name, new ScenarioOptions { WhatIf = whatIf, Seed = 7 });
        var b = ScenarioRunner.Run(name, new ScenarioOptions { WhatIf = whatIf, Seed = 7 });
        Assert.Equal(a.Events, b.Events);
        Assert.Equal(a.Verdict, b.Verdict);
        Assert.Equal(whatIf == WhatIf.None, a.Healthy);
        Assert.StartsWith("verdict: ", a.Verdict, StringComparison.Ordinal);
        // Every transition the engine reported is one its table allows (demonstration arcs under a what-if).
        Assert.All(a.Facts.ClientTransitions.Concat(a.Facts.ServerTransitions),
            t => Assert.True(TcpStateTable.IsLegal(t.From, t.To, t.Cause, whatIf != WhatIf.None), t.ToString()));
    }

    [Fact]
    public void UnknownScenarioOrForeignWhatIfIsRejected()
    {
        Assert.Throws<ArgumentException>(() => ScenarioRunner.Run("no-such-thing"));
        Assert.Throws<ArgumentException>(() => ScenarioRunner.Run("handshake", new ScenarioOptions { WhatIf = WhatIf.NoTimeWait }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScenarioRunner.Run("handshake", new ScenarioOptions { Loss = 2 }));
    }
}
