using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Analysis.Scenarios.Scripts;

/// <summary>A client connects to a listening server: SYN, SYN-ACK, ACK, and both sides are ESTABLISHED.</summary>
internal sealed class HandshakeScript : ScenarioScript
{
    public override void Play(ScenarioContext ctx)
    {
        var limit = Duration.FromSeconds(30L);
        ctx.Listen(ServerPort);
        var client = ctx.Connect(ServerPort);
        ctx.RunUntil(() => client.State == TcpState.Established && ctx.ServerSockets.Any(s => s.State == TcpState.Established), limit);
        // Let any last segment land; an open idle connection sends nothing more.
        ctx.RunUntilIdle(Duration.FromSeconds(5L));
    }

    public override ScenarioJudgement Judge(ScenarioContext ctx, ScenarioFacts f)
    {
        var syn = ctx.ClientRecord.Sent.FirstOrDefault(s => s.Segment.Flags == TcpFlags.Syn);
        var synAck = ctx.ServerRecord.Sent.FirstOrDefault(s => (s.Segment.Flags & (TcpFlags.Syn | TcpFlags.Ack)) == (TcpFlags.Syn | TcpFlags.Ack));
        bool open = f.ClientStates.LastOrDefault() == TcpState.Established && f.ServerStates.LastOrDefault() == TcpState.Established && f.ServerAccepted == 1;
        bool acksRight = synAck.Segment.Ack == syn.Segment.Seq + 1;
        string explanation =
            $"The client picks an initial sequence number (ISN {syn.Segment.Seq.Value}) and sends SYN; the server answers with its own ISN ({synAck.Segment.Seq.Value}) and acknowledges the client's (ack = {synAck.Segment.Ack.Value} = ISN + 1) in one SYN-ACK; " +
            "the client's ACK confirms the server's ISN. Two numbers had to be agreed, one per direction, and each needs a send and a confirmation — the server's confirmation and its own SYN share a segment, so three segments suffice. " +
            "The ladder shows sequence numbers relative to each side's ISN, as Wireshark does.";
        string verdict = open && acksRight
            ? $"verdict: connected in one round trip ({Wording.Ms(ctx.Options.Rtt)}); both sides ESTABLISHED with {Wording.Count(f.Segments, "segment", "segments")}"
            : $"verdict: the handshake did not complete — client {Wording.State(f.ClientStates.LastOrDefault())}, server {Wording.State(f.ServerStates.LastOrDefault())}, {Wording.Errors(f.ClientErrors)}";
        return new ScenarioJudgement(verdict, explanation, open && acksRight);
    }
}
