using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Analysis.Scenarios.Scripts;

/// <summary>
/// The client half-closes while the server still has 2,000 bytes to send; the server sends them (the client still
/// reads), then closes. The answer to "why four segments to close and not three".
/// </summary>
internal sealed class CloseScript : ScenarioScript
{
    public const int RemainingLength = 2000;

    public override void Play(ScenarioContext ctx)
    {
        var limit = Duration.FromSeconds(30L);
        ctx.Listen(ServerPort);
        var client = ctx.Connect(ServerPort);
        ctx.RunUntil(() => client.State == TcpState.Established && ctx.ServerSockets.Any(s => s.State == TcpState.Established), limit);
        var server = ctx.ServerSockets.FirstOrDefault();
        if (server is null)
        {
            ctx.RunUntilIdle(limit);
            return;
        }
        ctx.RunFor(Duration.FromMilliseconds(20L));
        // Half-close: the client's FIN says "no more data from me"; it still reads what the server sends.
        ctx.Shutdown(client);
        ctx.RunUntil(() => server.EndOfStream, limit);
        // The server's application sees the end of the stream but still has its last bytes to write: they go first.
        ctx.RunFor(Duration.FromMilliseconds(5L));
        ctx.Send(server, ScenarioContext.Payload("the last part of the server's answer ", RemainingLength));
        ctx.Close(server);
        ctx.RunUntil(() => client.EndOfStream, limit);
        ctx.Close(client);
        ctx.RunUntilIdle(ctx.ClientSettings.Msl * 2 + limit);
    }

    public override ScenarioJudgement Judge(ScenarioContext ctx, ScenarioFacts f)
    {
        var close = new CloseAnalysis(ctx.ClientRecord, ctx.ServerRecord);
        bool clean = f.ClientErrors.Count == 0 && f.ServerErrors.Count == 0 && f.DataIntact
            && f.ClientConnectionsLeft == 0 && f.ServerConnectionsLeft == 0 && f.ClientTimeWait.HasValue;
        long late = close.DataBetweenFins + close.DataOnSecondFin;
        string why = close.FinRodeOnAck
            ? "This time the server's FIN rode on its ACK of the client's FIN."
            : $"The server acknowledged the client's FIN at once (it is in CLOSE-WAIT), but its FIN could not ride on that ACK because it still had {Wording.Bytes(late)} to send — the client, in FIN-WAIT-2, still received them: a half-closed connection. " +
              (close.DataOnSecondFin > 0
                ? "Only with the last of those bytes did the server's FIN go out (it rides on the final data segment); the client's ACK of it is the fourth step."
                : "Only then did the server's FIN go out; the client's ACK of it is the fourth step.");
        string explanation =
            "TCP is full duplex and each direction closes on its own. The client's FIN only says \"no more data from me\". " + why + " " +
            (f.ClientTimeWait is { } tw
                ? $"The client, which closed first, waits 2MSL = {Wording.Seconds(tw)} in TIME-WAIT, in case its last ACK is lost and the FIN comes again."
                : "The client never entered TIME-WAIT.");
        string verdict = clean
            ? $"verdict: clean close; client held TIME-WAIT for {Wording.Seconds(f.ClientTimeWait!.Value)}; {Wording.Bytes(f.ClientBytesReceived)} delivered after the client's FIN, 0 bytes lost"
            : $"verdict: the close did not end cleanly — client {Wording.Errors(f.ClientErrors)}, server {Wording.Errors(f.ServerErrors)}, data {(f.DataIntact ? "intact" : "incomplete or damaged")}";
        return new ScenarioJudgement(verdict, explanation, clean);
    }
}
