using SynAck.Simulation;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Analysis.Scenarios.Scripts;

/// <summary>
/// The client's last ACK (of the server's FIN) is lost. The server retransmits its FIN (a tail loss probe, or its
/// RTO); the client,
/// still in TIME-WAIT, acknowledges it again and restarts 2MSL. Under no-time-wait the client has forgotten the
/// connection and answers the retransmitted FIN with RST: the server's close ends in an error.
/// </summary>
internal sealed class LostFinalAckScript : ScenarioScript
{
    private AppSocket? _client;
    private AppSocket? _server;

    public override void Play(ScenarioContext ctx)
    {
        var limit = Duration.FromSeconds(30L);
        ctx.Listen(ServerPort);
        _client = ctx.Connect(ServerPort);
        ctx.RunUntil(() => _client.State == TcpState.Established && ctx.ServerSockets.Any(), limit);
        _server = ctx.ServerSockets.FirstOrDefault();
        if (_server is null)
        {
            ctx.RunUntilIdle(limit);
            return;
        }
        ctx.RunFor(Duration.FromMilliseconds(20L));
        ctx.Close(_client);
        ctx.RunUntil(() => _server.EndOfStream, limit);
        // The server closes too; the client's next bare ACK — the one for this FIN — will be lost.
        ctx.Network.AddRule(PacketRule.DropNth(PacketMatch.PureAck(ScenarioContext.ClientName), 1));
        ctx.Close(_server);
        ctx.RunUntilIdle(ctx.ClientSettings.Msl * 2 + Duration.FromSeconds(60L));
    }

    public override ScenarioJudgement Judge(ScenarioContext ctx, ScenarioFacts f)
    {
        var fins = ctx.ServerRecord.Sent.Where(s => (s.Segment.Flags & TcpFlags.Fin) != 0).ToList();
        var rto = fins.Count > 1 ? fins[1].At - fins[0].At : Duration.Zero;
        bool probe = fins.Count > 1 && ctx.ServerRecord.Timers.Any(t => t.At == fins[1].At && t.Timer == TcpTimerKind.LossProbe);
        string when = probe
            ? $"{Wording.Span(rto)} later, by a tail loss probe (RFC 8985: about two round trips without an ACK, sooner than the retransmission timeout)"
            : $"after its RTO ({Wording.Span(rto)})";
        bool skip = ctx.Options.WhatIf == WhatIf.NoTimeWait;
        bool serverClean = f.ServerErrors.Count == 0 && f.ServerStates.LastOrDefault() == TcpState.Closed && f.ServerConnectionsLeft == 0;
        string common = $"The client's ACK of the server's FIN is lost (✕), so the server, in LAST-ACK, hears nothing and retransmits its FIN {when}. ";
        if (!skip)
        {
            var tw = f.ClientTimeWait;
            bool healthy = serverClean && fins.Count >= 2 && tw.HasValue && tw.Value > ctx.ClientSettings.Msl * 2;
            string explanation = common +
                "The client is still in TIME-WAIT — this is what it waits for: it remembers the connection, acknowledges the FIN again and restarts its 2MSL timer. " +
                $"The second ACK arrives and the server closes cleanly. TIME-WAIT lasted {(tw.HasValue ? Wording.Seconds(tw.Value) : "no time")} in all: 2MSL counted again from the retransmitted FIN. " +
                "This is the first reason for TIME-WAIT: the side that closed first must stay to repeat its last ACK.";
            string verdict = healthy
                ? $"verdict: clean close despite the lost ACK — server retransmitted its FIN after {Wording.Span(rto)}, the client (in TIME-WAIT) re-acknowledged it; no error on either side"
                : $"verdict: unexpected — server errors: {Wording.Errors(f.ServerErrors)}, server {Wording.State(f.ServerStates.LastOrDefault())}, {fins.Count} FINs";
            return new ScenarioJudgement(verdict, explanation, healthy);
        }

        bool broke = f.ServerErrors.Contains(TcpError.Reset);
        string what = common +
            "But the client skipped TIME-WAIT: it forgot the connection the moment it sent that ACK. To the client the retransmitted FIN belongs to no connection, so it answers with RST. " +
            (broke
                ? "The server's close, which should have ended quietly, ends in a \"connection reset\" error — a perfectly good connection reported as failed. TIME-WAIT exists so that the last ACK can be repeated."
                : "The server did not see that reset as an error this time.");
        string v = broke
            ? $"verdict: BROKEN without TIME-WAIT — the retransmitted FIN met RST; server error: {Wording.Errors(f.ServerErrors)}"
            : $"verdict: without TIME-WAIT the server saw {Wording.Errors(f.ServerErrors)}";
        return new ScenarioJudgement(v, what, false);
    }
}
