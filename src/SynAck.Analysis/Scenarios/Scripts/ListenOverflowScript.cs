using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Analysis.Scenarios.Scripts;

/// <summary>
/// Four clients connect at once to a listener whose backlog holds two, and whose application is slow to accept:
/// the excess SYNs are dropped, their senders retry after the RTO, and once accepted no connection is lost.
/// </summary>
internal sealed class ListenOverflowScript : ScenarioScript
{
    public const int Backlog = 2;
    public const int Clients = 4;

    private readonly List<AppSocket> _clients = [];
    private Instant _firstAccept;

    public override bool NumberConnections => true;

    public override void Play(ScenarioContext ctx)
    {
        ctx.Listen(ServerPort, Backlog, autoAccept: false);
        for (int i = 0; i < Clients; i++)
            _clients.Add(ctx.Connect(ServerPort));
        // The server's application is busy for half a second before it first calls accept.
        ctx.RunFor(Duration.FromMilliseconds(500L));
        _firstAccept = ctx.Now;
        ctx.Accept(ServerPort);
        ctx.AutoAccept(ServerPort);
        ctx.RunUntil(() => _clients.All(c => c.State is TcpState.Established or TcpState.Closed) && ctx.ServerAccepted >= Clients, Duration.FromSeconds(120L));
        ctx.RunUntilIdle(Duration.FromSeconds(5L));
    }

    public override ScenarioJudgement Judge(ScenarioContext ctx, ScenarioFacts f)
    {
        int overflowDrops = ctx.ServerRecord.Drops.Count(d => d.Reason == TcpDropReason.ListenOverflow);
        int established = _clients.Count(c => c.State == TcpState.Established);
        bool allIn = established == Clients && f.ServerAccepted == Clients && f.ClientErrors.Count == 0 && f.ServerErrors.Count == 0;
        var retried = _clients.Where(c => SynLostScript.SynTimes(ctx, c).Count > 1).ToList();
        string explanation =
            $"The listener's backlog holds {Backlog} connections (half-open plus not yet accepted) and its application first calls accept at {Wording.At(_firstAccept)}. " +
            $"Of the {Clients} SYNs that arrive together, {Wording.Count(Clients - overflowDrops, "is", "are")} answered; the server drops the other {overflowDrops} without a word (no RST: the client should simply try again, as Linux does without SYN cookies). " +
            $"{Wording.Count(retried.Count, "client", "clients")} retransmit{(retried.Count == 1 ? "s" : "")} the SYN after the initial RTO of {Wording.Span(ctx.ClientSettings.InitialRto)}; by then accept has emptied the queue and the handshake completes. " +
            "A connection, once in the accept queue, stays there until the application takes it: none is lost, they only wait.";
        string verdict = allIn
            ? $"verdict: all {Clients} connections accepted; {Wording.Count(overflowDrops, "SYN", "SYNs")} dropped while the backlog of {Backlog} was full, recovered by retransmission"
            : $"verdict: {established} of {Clients} clients connected, {f.ServerAccepted} accepted; errors: client {Wording.Errors(f.ClientErrors)}, server {Wording.Errors(f.ServerErrors)}";
        return new ScenarioJudgement(verdict, explanation, allIn);
    }
}
