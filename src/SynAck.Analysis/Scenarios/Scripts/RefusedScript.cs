using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Analysis.Scenarios.Scripts;

/// <summary>The server host is up but nothing listens on the port: its RST/ACK refuses the connection.</summary>
internal sealed class RefusedScript : ScenarioScript
{
    private AppSocket? _client;

    public override void Play(ScenarioContext ctx)
    {
        _client = ctx.Connect(ServerPort);
        ctx.RunUntil(() => _client.State == TcpState.Closed, Duration.FromSeconds(30L));
        ctx.RunUntilIdle(Duration.FromSeconds(5L));
    }

    public override ScenarioJudgement Judge(ScenarioContext ctx, ScenarioFacts f)
    {
        var rst = ctx.ServerRecord.Sent.FirstOrDefault(s => (s.Segment.Flags & TcpFlags.Rst) != 0);
        bool refused = f.ClientErrors.SequenceEqual([TcpError.Refused]) && f.ClientStates.LastOrDefault() == TcpState.Closed;
        string explanation =
            "The SYN reaches a host that has no listener on port 80. RFC 9293 answers a segment for no connection with a reset; " +
            $"because the SYN carried no ACK, the RST acknowledges it instead (RST,ACK with ack = the client's ISN + 1 = {rst.Segment.Ack.Value}), which is how the client knows the RST answers its own SYN and is not a stray. " +
            "The client goes from SYN-SENT straight to CLOSED and its application sees \"connection refused\" after one round trip — no retries, no waiting.";
        string verdict = refused
            ? $"verdict: refused in one round trip ({Wording.Ms(ctx.Options.Rtt)}); client error: {Wording.Errors(f.ClientErrors)}; nothing left open"
            : $"verdict: unexpected — client {Wording.State(f.ClientStates.LastOrDefault())}, errors: {Wording.Errors(f.ClientErrors)}";
        return new ScenarioJudgement(verdict, explanation, refused);
    }
}
