using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Analysis.Scenarios.Scripts;

/// <summary>
/// Like the server in the seed note's capture, the server ends the connection with RST (ABORT) in the middle of
/// its answer: no FIN, no TIME-WAIT, and the client's read fails with "connection reset".
/// </summary>
internal sealed class ResetScript : ScenarioScript
{
    public const int RequestLength = 100;
    public const int PartialResponse = 500;

    private AppSocket? _client;

    public override void Play(ScenarioContext ctx)
    {
        var limit = Duration.FromSeconds(30L);
        ctx.Listen(ServerPort);
        _client = ctx.Connect(ServerPort);
        ctx.RunUntil(() => _client.State == TcpState.Established && ctx.ServerSockets.Any(), limit);
        var server = ctx.ServerSockets.FirstOrDefault();
        if (server is null)
        {
            ctx.RunUntilIdle(limit);
            return;
        }
        ctx.Send(_client, ScenarioContext.Payload("GET /big-file HTTP/1.1\r\nHost: server\r\n", RequestLength));
        ctx.RunUntil(() => server.Received.Count >= RequestLength, limit);
        ctx.Send(server, ScenarioContext.Payload("HTTP/1.1 200 OK part of the answer ", PartialResponse));
        ctx.RunUntil(() => _client.Received.Count >= PartialResponse, limit);
        ctx.Abort(server);
        ctx.RunUntilIdle(limit);
    }

    public override ScenarioJudgement Judge(ScenarioContext ctx, ScenarioFacts f)
    {
        bool shown = f.ClientErrors.SequenceEqual([TcpError.Reset]) && f.ServerTimeWait is null && f.ClientTimeWait is null
            && f.ServerStates.LastOrDefault() == TcpState.Closed && f.ClientConnectionsLeft == 0 && f.ServerConnectionsLeft == 0;
        int rsts = ctx.ServerRecord.Sent.Count(s => (s.Segment.Flags & SynAck.Wire.TcpFlags.Rst) != 0);
        string explanation =
            $"The server sends {Wording.Bytes(PartialResponse)} of its answer and then aborts: one RST instead of the FIN exchange. " +
            "An abort throws away whatever is still queued and forgets the connection at once — the server goes from ESTABLISHED straight to CLOSED, with no FIN, no ACK to wait for and no TIME-WAIT. " +
            $"The client accepts the RST because its sequence number is exactly the next one it expects (RFC 5961), drops the connection and its next read fails with \"connection reset\"; it has read {Wording.Bytes(f.ClientBytesReceived)} and cannot tell whether more was meant to come. " +
            (rsts > 1
                ? "The client had acknowledged the answer as soon as it read it; that ACK crossed the RST, and the server, which no longer knows the connection, answers it with a second RST (RFC 9293: a segment for no connection draws a reset). "
                : "") +
            "Compare with `synack demo close`, where four segments end both directions in order and nothing is lost. Servers under load (like the one in the seed note's capture) sometimes end with RST to skip TIME-WAIT; the price is that the peer learns of the end as an error.";
        string verdict = shown
            ? $"verdict: ended by {Wording.Count(rsts, "RST", "RSTs")} — client error: {Wording.Errors(f.ClientErrors)} after {Wording.Bytes(f.ClientBytesReceived)}; no FIN, no TIME-WAIT on either side"
            : $"verdict: unexpected — client errors: {Wording.Errors(f.ClientErrors)}, server {Wording.State(f.ServerStates.LastOrDefault())}";
        return new ScenarioJudgement(verdict, explanation, shown);
    }
}
