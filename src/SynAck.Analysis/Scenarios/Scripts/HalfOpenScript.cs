using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Analysis.Scenarios.Scripts;

/// <summary>
/// The server host crashes and comes back with no memory of the connection. The client, which still believes in
/// it, learns that it is dead only when it sends: the new server stack answers with RST.
/// </summary>
internal sealed class HalfOpenScript : ScenarioScript
{
    public const int RequestLength = 100;

    private AppSocket? _client;
    private Instant _crash;
    private Instant _restart;
    private Instant _send;

    public override void Play(ScenarioContext ctx)
    {
        var limit = Duration.FromSeconds(30L);
        ctx.Listen(ServerPort);
        _client = ctx.Connect(ServerPort);
        ctx.RunUntil(() => _client.State == TcpState.Established && ctx.ServerSockets.Any(), limit);
        ctx.RunFor(Duration.FromMilliseconds(50L));
        _crash = ctx.Now;
        ctx.CrashServer();
        ctx.RunFor(Duration.FromMilliseconds(500L));
        _restart = ctx.Now;
        ctx.RestartServer();
        ctx.Listen(ServerPort);
        ctx.RunFor(Duration.FromMilliseconds(500L));
        // The client knows nothing of the crash: its connection still looks ESTABLISHED until it sends.
        _send = ctx.Now;
        ctx.Send(_client, ScenarioContext.Payload("GET /still-there? HTTP/1.1\r\n", RequestLength));
        ctx.RunUntil(() => _client.State == TcpState.Closed, limit);
        ctx.RunUntilIdle(limit);
    }

    public override ScenarioJudgement Judge(ScenarioContext ctx, ScenarioFacts f)
    {
        bool learned = f.ClientErrors.SequenceEqual([TcpError.Reset]) && _client!.State == TcpState.Closed && f.ClientConnectionsLeft == 0;
        var rst = ctx.ServerRecord.Sent.FirstOrDefault(s => (s.Segment.Flags & SynAck.Wire.TcpFlags.Rst) != 0);
        string explanation =
            $"At {Wording.At(_crash)} the server host crashes; at {Wording.At(_restart)} it is back with a fresh stack that has never heard of the connection. " +
            $"Nothing crosses the wire in between, so the client keeps believing in a connection that is half open — alive on its side only. " +
            $"At {Wording.At(_send)} it sends {Wording.Bytes(RequestLength)}; the new server finds no connection for the segment and answers with RST (seq = the segment's ACK number, {rst.Segment.Seq.Value}, so the client accepts it). " +
            "The client drops the connection and its application gets \"connection reset\". Without data to send (or keep-alives), a half-open connection can last forever.";
        string verdict = learned
            ? $"verdict: the client learned its connection was dead {Wording.Span(ctx.ClientRecord.Errors[0].At - _send)} after sending: {Wording.Errors(f.ClientErrors)}; the restarted server holds {Wording.Count(f.ServerConnectionsLeft, "connection", "connections")}"
            : $"verdict: unexpected — client {Wording.State(_client!.State)}, errors: {Wording.Errors(f.ClientErrors)}";
        return new ScenarioJudgement(verdict, explanation, learned);
    }
}
