using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Analysis.Scenarios.Scripts;

/// <summary>The whole life of a connection: handshake, a request and its response, the four-way close and TIME-WAIT.</summary>
internal sealed class LifecycleScript : ScenarioScript
{
    public const int RequestLength = 100;
    public const int ResponseLength = 1000;

    private AppSocket? _client;
    private AppSocket? _server;

    public override void Play(ScenarioContext ctx)
    {
        var limit = Duration.FromSeconds(30L);
        ctx.Listen(ServerPort);
        _client = ctx.Connect(ServerPort);
        ctx.RunUntil(() => _client.State == TcpState.Established && ctx.ServerSockets.Any(), limit);
        _server = ctx.ServerSockets.FirstOrDefault();
        if (_client.State != TcpState.Established || _server is null)
        {
            ctx.RunUntilIdle(limit);
            return;
        }
        ctx.Send(_client, ScenarioContext.Payload("GET /index.html HTTP/1.1\r\nHost: server\r\n", RequestLength));
        ctx.RunUntil(() => _server.Received.Count >= RequestLength, limit);
        ctx.Send(_server, ScenarioContext.Payload("HTTP/1.1 200 OK <html>the page</html> ", ResponseLength));
        ctx.RunUntil(() => _client.Received.Count >= ResponseLength, limit);
        // The client has what it came for and closes first; the server closes when it reads the end of the stream.
        ctx.Close(_client);
        ctx.RunUntil(() => _server.EndOfStream, limit);
        ctx.Close(_server);
        ctx.RunUntilIdle(ctx.ClientSettings.Msl * 2 + limit);
    }

    public override ScenarioJudgement Judge(ScenarioContext ctx, ScenarioFacts f)
    {
        var close = new CloseAnalysis(ctx.ClientRecord, ctx.ServerRecord);
        bool clean = f.ClientErrors.Count == 0 && f.ServerErrors.Count == 0 && f.DataIntact
            && f.ClientConnectionsLeft == 0 && f.ServerConnectionsLeft == 0 && f.ClientTimeWait.HasValue;
        string closing = close.FinRodeOnAck
            ? "The server's FIN rode on its ACK of the client's FIN, because its application closed at once: three segments this time."
            : "The server acknowledged the client's FIN at once, but its own FIN came only when its application closed: four segments, because each direction of a full-duplex connection closes on its own.";
        string explanation =
            $"Three segments open the connection: SYN, SYN-ACK, ACK — each side learns the other's initial sequence number and confirms it (ack = ISN + 1). " +
            $"The client sends a request of {Wording.Bytes(RequestLength)} and the server answers with {Wording.Bytes(ResponseLength)}; every byte is acknowledged. " +
            closing + " " +
            (f.ClientTimeWait is { } tw
                ? $"The client, which closed first, holds TIME-WAIT for {Wording.Seconds(tw)} (2MSL with MSL = {Wording.Seconds(ctx.ClientSettings.Msl)}) before the 4-tuple may be used again."
                : "The client never entered TIME-WAIT.");
        string verdict = clean
            ? $"verdict: clean life — {Wording.Bytes(f.ClientBytesSent)} up, {Wording.Bytes(f.ServerBytesSent)} down, all delivered; client held TIME-WAIT for {Wording.Seconds(f.ClientTimeWait!.Value)}; nothing left open"
            : $"verdict: the connection did not end cleanly — client {Wording.Errors(f.ClientErrors)}, server {Wording.Errors(f.ServerErrors)}, data {(f.DataIntact ? "intact" : "incomplete or damaged")}, {f.ClientConnectionsLeft + f.ServerConnectionsLeft} connections left";
        return new ScenarioJudgement(verdict, explanation, clean);
    }
}
