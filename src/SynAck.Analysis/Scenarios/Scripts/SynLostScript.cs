using SynAck.Simulation;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Analysis.Scenarios.Scripts;

/// <summary>
/// The client's first three SYNs are lost: it tries again after 1 s, 2 s and 4 s (RFC 6298's initial RTO, doubled
/// each time) and the fourth gets through. Then a second connection whose every SYN is lost gives up after the
/// configured retries with "timed out".
/// </summary>
internal sealed class SynLostScript : ScenarioScript
{
    public const int LostSyns = 3;

    private AppSocket? _first;
    private AppSocket? _second;

    public override bool NumberConnections => true;

    public override void Play(ScenarioContext ctx)
    {
        ctx.Listen(ServerPort);
        ctx.Network.AddRule(PacketRule.DropFirst(PacketMatch.Syn(ScenarioContext.ClientName), LostSyns));
        _first = ctx.Connect(ServerPort);
        ctx.RunUntil(() => _first.State == TcpState.Established, Duration.FromSeconds(120L));
        ctx.RunFor(Duration.FromSeconds(1L));

        // The second connection meets a network that loses every one of its SYNs.
        _second = ctx.Connect(ServerPort);
        ctx.Network.AddRule(PacketRule.DropAll(PacketMatch.Syn(ScenarioContext.ClientName) with { SourcePort = _second.Id.LocalPort }));
        ctx.RunUntil(() => _second.State == TcpState.Closed, Duration.FromSeconds(600L));
        ctx.RunUntilIdle(Duration.FromSeconds(10L));
    }

    public override ScenarioJudgement Judge(ScenarioContext ctx, ScenarioFacts f)
    {
        var firstSyns = SynTimes(ctx, _first!);
        var secondSyns = SynTimes(ctx, _second!);
        string gaps = string.Join(", ", Gaps(firstSyns).Select(Wording.Span));
        bool firstOk = _first!.State == TcpState.Established;
        var secondError = ctx.ClientRecord.Errors.Where(e => e.Connection == _second!.Id).Select(e => e.Error).FirstOrDefault();
        Duration gaveUpAfter = ctx.ClientRecord.Errors.Where(e => e.Connection == _second!.Id).Select(e => e.At - _second!.OpenedAt).FirstOrDefault();
        bool healthy = firstOk && secondError == TcpError.TimedOut;
        string explanation =
            $"Connection 1: the first {Wording.Count(LostSyns, "SYN is", "SYNs are")} lost. The client has no round-trip sample yet, so it waits the initial RTO of {Wording.Span(ctx.ClientSettings.InitialRto)} (RFC 6298) and doubles the wait after every loss: the SYNs leave {Gaps(firstSyns).Count() switch { 0 => "once", _ => "with gaps of " + gaps }}. " +
            (firstOk ? $"SYN number {firstSyns.Count} gets through and the handshake completes as usual, {Wording.Span(firstSyns[^1] - firstSyns[0])} late. " : "It never got through. ") +
            $"Connection 2 loses every SYN: after the first and {Wording.Count(secondSyns.Count - 1, "retry", "retries")} (the setting allows {ctx.ClientSettings.SynRetries}) the client gives up " +
            $"{Wording.Span(gaveUpAfter)} after connecting, and its application sees \"{Ladder.LadderBuilder.ErrorText(secondError)}\".";
        string verdict = healthy
            ? $"verdict: connection 1 open after {Wording.Count(LostSyns, "lost SYN", "lost SYNs")} (retries after {gaps}); connection 2 timed out after {secondSyns.Count} SYNs and {Wording.Span(gaveUpAfter)}"
            : $"verdict: unexpected — connection 1 {Wording.State(_first.State)}, connection 2 {Ladder.LadderBuilder.ErrorText(secondError)}";
        return new ScenarioJudgement(verdict, explanation, healthy);
    }

    internal static List<Instant> SynTimes(ScenarioContext ctx, AppSocket s)
        => ctx.Events.Where(e => e.Source == "network" && e.Kind == "Sent" && e.Detail.Contains($" {s.Id.LocalPort}->{s.Id.RemotePort} SYN ", StringComparison.Ordinal))
            .Select(e => e.At).ToList();

    private static IEnumerable<Duration> Gaps(List<Instant> times)
    {
        for (int i = 1; i < times.Count; i++)
            yield return times[i] - times[i - 1];
    }
}
