using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Analysis.Scenarios.Scripts;

/// <summary>Both applications close at the same instant: the FINs cross, both sides pass CLOSING and both hold TIME-WAIT.</summary>
internal sealed class SimultaneousCloseScript : ScenarioScript
{
    public override void Play(ScenarioContext ctx)
    {
        var limit = Duration.FromSeconds(30L);
        ctx.Listen(ServerPort);
        var client = ctx.Connect(ServerPort);
        ctx.RunUntil(() => client.State == TcpState.Established && ctx.ServerSockets.Any(s => s.State == TcpState.Established), limit);
        var server = ctx.ServerSockets.FirstOrDefault();
        ctx.RunFor(Duration.FromMilliseconds(20L));
        ctx.Close(client);
        if (server is not null)
            ctx.Close(server);
        ctx.RunUntilIdle(ctx.ClientSettings.Msl * 2 + limit);
    }

    public override ScenarioJudgement Judge(ScenarioContext ctx, ScenarioFacts f)
    {
        TcpState[] tail = [TcpState.Established, TcpState.FinWait1, TcpState.Closing, TcpState.TimeWait, TcpState.Closed];
        bool clientPath = f.ClientStates.TakeLast(tail.Length).SequenceEqual(tail);
        bool serverPath = f.ServerStates.TakeLast(tail.Length).SequenceEqual(tail);
        bool clean = clientPath && serverPath && f.ClientErrors.Count == 0 && f.ServerErrors.Count == 0
            && f.ClientConnectionsLeft == 0 && f.ServerConnectionsLeft == 0;
        string explanation =
            "Both applications close at the same instant, so both FINs are on the wire at once. Each side, in FIN-WAIT-1, receives the other's FIN before the ACK of its own: " +
            "that is CLOSING, a state only a simultaneous close reaches. Each acknowledges the FIN it got; when the ACK of its own FIN arrives it enters TIME-WAIT. " +
            "Both sides closed first, so both wait 2MSL" +
            (f.ClientTimeWait is { } c && f.ServerTimeWait is { } s ? $" ({Wording.Seconds(c)} and {Wording.Seconds(s)})." : ".");
        string verdict = clean
            ? $"verdict: clean simultaneous close — both {Wording.States(tail.Skip(1))}, {Wording.Count(f.Segments - 3, "segment", "segments")} after the handshake"
            : $"verdict: unexpected — client {Wording.States(f.ClientStates)}; server {Wording.States(f.ServerStates)}";
        return new ScenarioJudgement(verdict, explanation, clean);
    }
}
