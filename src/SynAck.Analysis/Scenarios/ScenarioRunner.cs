using SynAck.Analysis.Scenarios.Scripts;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Analysis.Scenarios;

/// <summary>
/// Plays a scenario of <see cref="ScenarioCatalog"/> on the deterministic simulator: hosts <c>client</c>
/// (198.18.0.1) and <c>server</c> (198.18.0.2), two <see cref="Stack.NetStack"/>s seeded from
/// <see cref="ScenarioOptions.Seed"/>, and returns the ladder, the facts, the verdict and the explanation.
/// The same name and options always give the same run.
/// </summary>
public static class ScenarioRunner
{
    /// <summary>Plays <paramref name="name"/>; with <paramref name="pcap"/>, also writes the wire traffic there as pcapng with virtual timestamps.</summary>
    /// <exception cref="ArgumentException">The scenario is unknown, or it does not offer the requested counterfactual.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="ScenarioOptions.Validate"/>).</exception>
    public static ScenarioRun Run(string name, ScenarioOptions? options = null, Stream? pcap = null)
    {
        options ??= new ScenarioOptions();
        options.Validate();
        var info = ScenarioCatalog.Find(name) ?? throw new ArgumentException($"unknown scenario '{name}'", nameof(name));
        if (options.WhatIf != WhatIf.None && !info.WhatIfs.Contains(options.WhatIf))
            throw new ArgumentException($"scenario '{info.Name}' has no what-if '{ScenarioCatalog.Spell(options.WhatIf)}'", nameof(options));

        var script = Create(info.Name);
        var ctx = new ScenarioContext(options, script.NumberConnections);
        using (var tap = pcap is null ? null : ctx.Network.WritePcapNg(pcap, leaveOpen: true))
        {
            script.Play(ctx);
            tap?.Flush();
        }

        var facts = Facts(ctx);
        var judgement = script.Judge(ctx, facts);
        // The title is the ladder's first line: it has to fit 80 columns too.
        string title = info.Name + " — " + info.Summary;
        if (options.WhatIf != WhatIf.None)
        {
            string whatIf = info.Name + " [what if: " + ScenarioCatalog.Spell(options.WhatIf) + "]";
            title = whatIf.Length + 3 + info.Summary.Length <= 80 ? whatIf + " — " + info.Summary : whatIf;
        }
        var firstClient = ctx.ClientSockets.FirstOrDefault();
        bool several = ctx.ClientSockets.Count() > 1;
        string left = "client " + ScenarioContext.ClientAddress + (firstClient is null || several ? "" : ":" + firstClient.Id.LocalPort);
        string right = "server " + ScenarioContext.ServerAddress + ":" + ScenarioScript.ServerPort;
        var ladder = ctx.Ladder.Build(title, left, right, Instant.Zero);
        return new ScenarioRun
        {
            Info = info,
            Options = options,
            Ladder = ladder,
            Facts = facts,
            Verdict = judgement.Verdict,
            Explanation = judgement.Explanation,
            Healthy = judgement.Healthy,
            Events = ctx.Events,
        };
    }

    private static ScenarioScript Create(string name) => name switch
    {
        "lifecycle" => new LifecycleScript(),
        "handshake" => new HandshakeScript(),
        "close" => new CloseScript(),
        "lost-final-ack" => new LostFinalAckScript(),
        "delayed-duplicate" => new DelayedDuplicateScript(),
        "old-duplicate-syn" => new OldDuplicateSynScript(),
        "simultaneous-open" => new SimultaneousOpenScript(),
        "simultaneous-close" => new SimultaneousCloseScript(),
        "reset" => new ResetScript(),
        "half-open" => new HalfOpenScript(),
        "syn-lost" => new SynLostScript(),
        "refused" => new RefusedScript(),
        "listen-overflow" => new ListenOverflowScript(),
        _ => throw new ArgumentException($"no script for scenario '{name}'", nameof(name)),
    };

    private static ScenarioFacts Facts(ScenarioContext ctx)
    {
        long corrupted = 0;
        bool intact = true;
        foreach (var s in ctx.Sockets)
        {
            var expected = s.Peer?.Sent ?? [];
            int common = Math.Min(expected.Count, s.Received.Count);
            for (int i = 0; i < common; i++)
            {
                if (expected[i] != s.Received[i])
                    corrupted++;
            }
            corrupted += s.Received.Count - common;
            if (s.Received.Count != expected.Count)
                intact = false;
        }
        if (corrupted > 0)
            intact = false;

        return new ScenarioFacts
        {
            ClientStates = States(ctx.ClientRecord),
            ServerStates = States(ctx.ServerRecord),
            ClientTransitions = ctx.ClientRecord.Transitions.Select(t => t.Transition).ToList(),
            ServerTransitions = ctx.ServerRecord.Transitions.Select(t => t.Transition).ToList(),
            ClientErrors = ctx.ClientRecord.Errors.Select(e => e.Error).ToList(),
            ServerErrors = ctx.ServerRecord.Errors.Select(e => e.Error).ToList(),
            ClientBytesSent = ctx.ClientSockets.Sum(s => (long)s.Sent.Count),
            ServerBytesSent = ctx.ServerSockets.Sum(s => (long)s.Sent.Count),
            ClientBytesReceived = ctx.ClientSockets.Sum(s => (long)s.Received.Count),
            ServerBytesReceived = ctx.ServerSockets.Sum(s => (long)s.Received.Count),
            CorruptedBytes = corrupted,
            DataIntact = intact,
            ClientTimeWait = TimeWait(ctx.ClientRecord, ctx.Now),
            ServerTimeWait = TimeWait(ctx.ServerRecord, ctx.Now),
            ClientConnectionsLeft = ctx.Client.ConnectionCount + ctx.Client.TimeWaitCount,
            ServerConnectionsLeft = ctx.Server.ConnectionCount + ctx.Server.TimeWaitCount,
            ServerAccepted = ctx.ServerAccepted,
            ClientEstablished = ctx.ClientRecord.Transitions.Count(t => t.Transition.To == TcpState.Established),
            Segments = ctx.Ladder.SegmentCount,
            SegmentsDropped = (int)ctx.Network.Counters.DroppedTotal,
            ClientRetransmissions = ctx.ClientRecord.Retransmissions.Count,
            ServerRetransmissions = ctx.ServerRecord.Retransmissions.Count,
            EndedAt = ctx.Now,
        };
    }

    private static List<TcpState> States(SideRecorder r)
    {
        var list = new List<TcpState>();
        foreach (var (_, _, t) in r.Transitions)
        {
            if (list.Count == 0)
                list.Add(t.From);
            list.Add(t.To);
        }
        return list;
    }

    /// <summary>From the first entry into TIME-WAIT to that connection's next transition (CLOSED), or to the end of the run.</summary>
    private static Duration? TimeWait(SideRecorder r, Instant end)
    {
        for (int i = 0; i < r.Transitions.Count; i++)
        {
            var (at, id, t) = r.Transitions[i];
            if (t.To != TcpState.TimeWait)
                continue;
            for (int j = i + 1; j < r.Transitions.Count; j++)
            {
                if (r.Transitions[j].Connection == id && r.Transitions[j].Transition.From == TcpState.TimeWait)
                    return r.Transitions[j].At - at;
            }
            return end - at;
        }
        return null;
    }
}
