using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Analysis.Scenarios.Scripts;

/// <summary>
/// RFC 9293 figure 8: a SYN from an earlier incarnation of the client, long delayed, reaches a listening server.
/// The server's SYN-ACK reaches a client that has no such connection and answers RST; the server returns to LISTEN
/// and no connection is created. Under two-way-handshake the server believes the SYN alone, accepts the connection
/// and hands its stale data to the application.
/// </summary>
internal sealed class OldDuplicateSynScript : ScenarioScript
{
    public const ushort OldClientPort = 40000;
    public const string OldRequest = "PAY 100 TO BOB";

    private uint _oldIsn;

    public override void Play(ScenarioContext ctx)
    {
        ctx.Listen(ServerPort);
        // The old SYN's sequence number comes from the dead incarnation's clock: unrelated to anything alive now.
        _oldIsn = (uint)ctx.Network.CreateRandom("old-syn").NextUInt64();
        var fields = new TcpHeaderFields
        {
            SourcePort = OldClientPort,
            DestinationPort = ServerPort,
            Seq = new SeqNum(_oldIsn),
            Flags = TcpFlags.Syn,
            Window = 65535,
            Options = new TcpOptions { HasMss = true, Mss = 1460 },
        };
        byte[] payload = System.Text.Encoding.ASCII.GetBytes(OldRequest);
        byte[] packet = new byte[128];
        int n = IpPacket.WriteTcp(packet, ScenarioContext.ClientAddress, ScenarioContext.ServerAddress, fields, payload);
        ctx.Ladder.Note(ctx.Now, "an old SYN of a dead incarnation");
        ctx.Network.InjectAt(ctx.Now, ScenarioContext.ClientName, packet.AsSpan(0, n));
        ctx.RunUntilIdle(Duration.FromSeconds(30L));
        ctx.RunFor(Duration.FromMilliseconds(1L));
    }

    public override ScenarioJudgement Judge(ScenarioContext ctx, ScenarioFacts f)
    {
        bool twoWay = ctx.Options.WhatIf == WhatIf.TwoWayHandshake;
        var clientRst = ctx.ClientRecord.Sent.FirstOrDefault(s => (s.Segment.Flags & TcpFlags.Rst) != 0);
        bool rstSent = clientRst.Segment.Flags != TcpFlags.None;
        long stale = f.ServerBytesReceived;
        if (!twoWay)
        {
            TcpState[] path = [TcpState.Closed, TcpState.Listen, TcpState.SynReceived, TcpState.Listen];
            bool healthy = f.ServerStates.SequenceEqual(path) && f.ServerAccepted == 0 && stale == 0 && f.ServerConnectionsLeft == 0;
            string explanation =
                $"A SYN from port {OldClientPort} arrives — a duplicate from an earlier incarnation of the client, delayed in the network; nobody on the client host is connecting now. " +
                "The server cannot know it is old, so it answers as for any SYN: SYN-ACK, and waits in SYN-RECEIVED. " +
                $"The client host has no connection for that SYN-ACK and answers with RST{(rstSent ? $" (seq = the SYN-ACK's ack, {clientRst.Segment.Seq.Value})" : "")}; " +
                $"the server goes back to LISTEN and forgets it. The {Wording.Bytes(OldRequest.Length)} carried on the old SYN never reach the application. " +
                "This is why the handshake has a third step: the server opens only when the client confirms the server's ISN, which an old duplicate cannot do.";
            string verdict = healthy
                ? $"verdict: the old SYN was refused — server {Wording.States(path.Skip(1))}; 0 connections accepted, 0 stale bytes delivered"
                : $"verdict: unexpected — server {Wording.States(f.ServerStates)}, {f.ServerAccepted} accepted, {Wording.Bytes(stale)} delivered";
            return new ScenarioJudgement(verdict, explanation, healthy);
        }

        bool zombie = f.ServerAccepted > 0;
        string what =
            $"With a two-way handshake the server believes the SYN alone: it goes from LISTEN straight to ESTABLISHED, its application accepts the connection" +
            (stale > 0 ? $" and reads the {Wording.Bytes(stale)} carried on the old SYN — \"{OldRequest}\", a request nobody made today. " : ". ") +
            (f.ServerErrors.Contains(TcpError.Reset)
                ? "The client's RST arrives a round trip later and resets the connection, but the damage is done: the application acted on the stale request. "
                : "No RST came to end it: the server holds a connection nobody wants. ") +
            "The third step of the real handshake — the client confirming the server's ISN — is exactly what an old duplicate cannot produce.";
        string v = zombie
            ? $"verdict: BROKEN with a two-way handshake — the server accepted a connection nobody opened and delivered {Wording.Bytes(stale)} of stale data" +
              (f.ServerErrors.Count > 0 ? $"; then {Wording.Errors(f.ServerErrors)}" : "; the zombie connection is still open")
            : $"verdict: with a two-way handshake the server accepted {f.ServerAccepted} connections";
        return new ScenarioJudgement(v, what, false);
    }
}
