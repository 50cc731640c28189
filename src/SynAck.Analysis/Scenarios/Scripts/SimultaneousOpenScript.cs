using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Analysis.Scenarios.Scripts;

/// <summary>Both sides open actively at the same moment toward each other's port: four segments, both via SYN-RECEIVED.</summary>
internal sealed class SimultaneousOpenScript : ScenarioScript
{
    public const ushort ClientPort = 40000;

    private AppSocket? _client;
    private AppSocket? _server;

    public override void Play(ScenarioContext ctx)
    {
        _client = ctx.Connect(ServerPort, ClientPort);
        _server = ctx.ConnectFromServer(ClientPort, ServerPort);
        ctx.RunUntil(() => _client.State == TcpState.Established && _server.State == TcpState.Established, Duration.FromSeconds(30L));
        ctx.RunUntilIdle(Duration.FromSeconds(5L));
    }

    public override ScenarioJudgement Judge(ScenarioContext ctx, ScenarioFacts f)
    {
        TcpState[] path = [TcpState.Closed, TcpState.SynSent, TcpState.SynReceived, TcpState.Established];
        bool both = f.ClientStates.SequenceEqual(path) && f.ServerStates.SequenceEqual(path);
        string explanation =
            "Neither side listens: each sends a SYN to the other's port at the same instant, so each receives a SYN while in SYN-SENT. " +
            "RFC 9293 handles this crossing: a side that gets a SYN in SYN-SENT moves to SYN-RECEIVED and answers SYN,ACK (repeating its own SYN, now acknowledging the other's); " +
            "each SYN,ACK then completes the other side's handshake. Four segments instead of three, and no side was ever a server.";
        string verdict = both
            ? $"verdict: one connection from two active opens — both sides {Wording.States(path)} with {Wording.Count(f.Segments, "segment", "segments")}"
            : $"verdict: unexpected — client {Wording.States(f.ClientStates)}; server {Wording.States(f.ServerStates)}";
        return new ScenarioJudgement(verdict, explanation, both);
    }
}
