using SynAck.Simulation;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Analysis.Scenarios.Scripts;

/// <summary>
/// One data segment of a connection is held back in the network; the sender retransmits it and the connection
/// ends normally. Then the client opens a new connection on the same 4-tuple, and the old segment finally arrives.
/// With TIME-WAIT the 4-tuple cannot be reused before 2MSL, so the old segment meets no connection. Under
/// no-time-wait the new connection opens at once — at the moment its RFC 6528 ISN puts the old segment at the very
/// start of the new receive window — and the server reads the old bytes as the new connection's data.
/// </summary>
internal sealed class DelayedDuplicateScript : ScenarioScript
{
    public const ushort ClientPort = 49152;
    public const int SegmentSize = 1460;
    public const int TrailingSegments = 4;
    public const int RequestLength = 3000;

    /// <summary>RFC 6528's clock: the ISN of a 4-tuple grows by one every 4 µs.</summary>
    private static readonly Duration s_isnTick = Duration.FromMicroseconds(4L);

    private Plan _plan;
    private Instant _reuseAt;
    private bool _reuseRefused;
    private AppSocket? _second;
    private Instant _secondAt;

    private readonly record struct Plan(int DelayedIndex, int Segments, Instant SentAt, long Offset, Instant OldClosedAt);

    public override void Play(ScenarioContext ctx)
    {
        // The network is deterministic: rehearse the old connection to learn when the chosen segment leaves and
        // when the connection is over, then pick the segment whose offset makes the ISN clock line up after that.
        _plan = Rehearse(ctx.Options);
        var reuseAt = new Instant(_plan.Offset * s_isnTick.Nanoseconds);
        if (reuseAt <= _plan.OldClosedAt)
            reuseAt = _plan.OldClosedAt + Duration.FromMilliseconds(1L);
        _reuseAt = reuseAt;
        var arrival = reuseAt + ctx.Options.Rtt * 1.5 + Duration.FromMilliseconds(5L);
        // The rule's delay comes on top of the link's own latency.
        PlayOld(ctx, _plan.DelayedIndex, _plan.Segments, arrival - _plan.SentAt - ctx.Options.Rtt / 2);

        ctx.RunUntil(() => false, reuseAt - ctx.Now);
        try
        {
            _second = ctx.Connect(ServerPort, ClientPort);
            _secondAt = ctx.Now;
        }
        catch (InvalidOperationException)
        {
            // TIME-WAIT holds the 4-tuple: the OPEN call itself fails.
            _reuseRefused = true;
            ctx.Ladder.Note(ctx.Now, "client: port 49152 busy (TIME-WAIT)");
        }

        if (_second is null)
        {
            ctx.RunUntil(() => !ctx.Client.InUse(new ConnectionId(ScenarioContext.ClientAddress, ClientPort, ScenarioContext.ServerAddress, ServerPort)), ctx.ClientSettings.Msl * 2 + Duration.FromSeconds(60L));
            _second = ctx.Connect(ServerPort, ClientPort);
            _secondAt = ctx.Now;
        }
        var second = _second;
        ctx.RunUntil(() => second.State == TcpState.Established, Duration.FromSeconds(30L));
        // The client's application writes its request a moment after the connection opens.
        ctx.RunFor(Duration.FromMilliseconds(10L));
        ctx.Send(second, ScenarioContext.Payload("newrequest", RequestLength));
        var server2 = ctx.ServerSockets.LastOrDefault();
        ctx.RunUntil(() => server2 is not null && server2.Received.Count >= RequestLength || second.State == TcpState.Closed, Duration.FromSeconds(30L));
        ctx.RunUntilIdle(Duration.FromSeconds(5L));
    }

    /// <summary>The old connection: connect, send the bulk with one segment held back by <paramref name="delay"/>, close first.</summary>
    private static AppSocket PlayOld(ScenarioContext ctx, int delayedIndex, int segments, Duration delay)
    {
        var limit = Duration.FromSeconds(30L);
        ctx.Listen(ServerPort);
        ctx.Network.AddRule(PacketRule.DelayNth(PacketMatch.Data(ScenarioContext.ClientName), delayedIndex, delay));
        var old = ctx.Connect(ServerPort, ClientPort);
        ctx.RunUntil(() => old.State == TcpState.Established && ctx.ServerSockets.Any(), limit);
        var server = ctx.ServerSockets.FirstOrDefault();
        ctx.Send(old, ScenarioContext.Payload("OLDBYTES", segments * SegmentSize));
        ctx.Close(old);
        ctx.RunUntil(() => server is not null && server.EndOfStream, limit);
        if (server is not null)
            ctx.Close(server);
        ctx.RunUntil(() => ctx.Client.ConnectionCount == 0, limit);
        return old;
    }

    private static Plan Rehearse(ScenarioOptions options)
    {
        Plan best = default;
        // Offsets stay below 65,535 so that the old segment's ACK is still within RFC 5961's window of the new one.
        for (int k = 8; k <= 44; k++)
        {
            var probe = new ScenarioContext(options with { WhatIf = WhatIf.NoTimeWait }, numberConnections: false);
            PlayOld(probe, k, k + TrailingSegments, Duration.FromSeconds(3600L));
            var closedAt = probe.ClientRecord.Transitions.Where(t => t.Transition.To is TcpState.Closed or TcpState.TimeWait).Select(t => t.At).LastOrDefault();
            var sent = probe.Events.Where(e => e.Source == "network" && e.Kind == "Delayed").Select(e => e.At).FirstOrDefault();
            best = new Plan(k, k + TrailingSegments, sent, (long)(k - 1) * SegmentSize, closedAt);
            if (new Instant(best.Offset * s_isnTick.Nanoseconds) > closedAt + options.Rtt)
                break;
        }
        return best;
    }

    public override ScenarioJudgement Judge(ScenarioContext ctx, ScenarioFacts f)
    {
        var server2 = ctx.ServerSockets.LastOrDefault();
        var client2 = _second;
        long wrong = 0;
        if (server2 is not null && client2 is not null && server2.Peer == client2)
        {
            for (int i = 0; i < Math.Min(server2.Received.Count, client2.Sent.Count); i++)
            {
                if (server2.Received[i] != client2.Sent[i])
                    wrong++;
            }
        }
        // With RFC 7323 timestamps (on unless no-time-wait switches them off) each segment has 12 bytes less payload.
        int size = ctx.ClientSettings.Timestamps ? SegmentSize - 12 : SegmentSize;
        string held = $"Segment {_plan.DelayedIndex} of the first connection ({Wording.Bytes(size)} at offset {(long)(_plan.DelayedIndex - 1) * size:#,0}) is held back in the network; the client retransmits it and the first connection delivers everything and closes normally. ";
        if (ctx.Options.WhatIf != WhatIf.NoTimeWait)
        {
            bool healthy = _reuseRefused && f.CorruptedBytes == 0 && f.DataIntact;
            string explanation = held +
                (_reuseRefused
                    ? $"At {Wording.At(_reuseAt)} the client wants the same 4-tuple again, but it closed first and holds TIME-WAIT: the open fails locally. "
                    : "The client could reuse the 4-tuple at once. ") +
                "The old segment arrives with no connection to land in — the server answers it with RST, which the client in TIME-WAIT ignores (RFC 1337). " +
                $"Only after 2MSL ({Wording.Seconds(ctx.ClientSettings.Msl * 2)}), when any old segment must have died in the network, does the new connection open at {Wording.At(_secondAt)}; its {Wording.Bytes(RequestLength)} arrive intact. " +
                "This is the second reason for TIME-WAIT: no segment of an old incarnation can be taken for data of a new one.";
            string verdict = healthy
                ? $"verdict: safe — the 4-tuple stayed in TIME-WAIT until the old segment was gone; new connection opened {Wording.Seconds(_secondAt - _reuseAt)} later, its {Wording.Bytes(RequestLength)} intact"
                : $"verdict: unexpected — reuse {(_reuseRefused ? "refused" : "allowed")}, {Wording.Bytes(f.CorruptedBytes)} corrupted";
            return new ScenarioJudgement(verdict, explanation, healthy);
        }

        string what = held +
            $"Without TIME-WAIT the client forgets the 4-tuple at once and opens a new connection on it at {Wording.At(_secondAt)}. " +
            $"RFC 6528's ISN grows by one every 4 µs, so {Wording.At(_secondAt)} after the first SYN the new ISN is the old one + {(_secondAt.Nanoseconds / s_isnTick.Nanoseconds):#,0} — " +
            "which puts the old segment's sequence number right where the new connection expects its first byte. The old segment, still carrying a believable ACK, is accepted. " +
            (wrong > 0
                ? $"The server reads {Wording.Bytes(server2!.Received.Count)} on the new connection; {Wording.Bytes(wrong)} of them are the old connection's, and the client's real bytes at those positions were thrown away as duplicates. Nobody gets an error: the data is silently wrong."
                : "This time the old segment missed the new window and was dropped.");
        string v = wrong > 0
            ? $"verdict: BROKEN without TIME-WAIT — {Wording.Bytes(wrong)} of the old connection delivered as the new connection's data (corrupted, no error raised)"
            : $"verdict: without TIME-WAIT the old segment was not accepted this time; {Wording.Bytes(f.CorruptedBytes)} corrupted";
        return new ScenarioJudgement(v, what, false);
    }
}
