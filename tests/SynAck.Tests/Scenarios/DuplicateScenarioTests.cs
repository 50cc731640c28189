using SynAck.Simulation;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Scenarios;

/// <summary>scenarios.md: delayed-duplicate (+ no-time-wait), old-duplicate-syn (+ two-way-handshake).</summary>
public sealed class DuplicateScenarioTests
{
    private const ushort ClientPort = 50000;

    /// <summary>
    /// The delayed-duplicate setup. The old connection opens at t = 0 on a fixed 4-tuple; the server sends
    /// 200,000 bytes, the client 250,000 and then 1,000 more, and that last segment (at stream offset 250,000) is
    /// held back in the network for 1.2 s while the client retransmits it and both close. RFC 6528 ISNs climb
    /// one per 4 µs, so a new incarnation opened at exactly t = 1 s starts 250,000 higher on both sides: the held
    /// segment's sequence number is then exactly the new RCV.NXT, and its acknowledgment (200,000 past the old
    /// server ISN) is within one window of the new SND.UNA, so nothing but TIME-WAIT protects the new connection.
    /// </summary>
    private static (ScenarioRig Rig, byte[] OldBytes, PacketRule Rule) OldConnectionWithADelayedSegment(TcpSettings client)
    {
        var rig = new ScenarioRig(client);
        var (c, s) = rig.Open(ClientPort);
        SeqNum iss = rig.Segments[0].Seq;
        var rule = rig.Net.AddRule(PacketRule.DelayNth(
            new PacketMatch { From = "client", Where = p => p.IsTcp && p.Tcp.Seq == iss + 1 + 250_000 && p.PayloadLength > 0 },
            1, Duration.FromMilliseconds(1200)));
        rig.Transfer(rig.Server, s, rig.Client, c, ScenarioRig.Pattern(200_000, 10), Duration.FromSeconds(2));
        rig.Transfer(rig.Client, c, rig.Server, s, ScenarioRig.Pattern(250_000, 11), Duration.FromSeconds(2));
        var oldBytes = ScenarioRig.Pattern(1000, 12);
        Assert.Equal(oldBytes, rig.Transfer(rig.Client, c, rig.Server, s, oldBytes, Duration.FromSeconds(2)));
        Assert.Equal(1, rule.Fired);
        rig.Client.Close(c, rig.Now);
        Assert.True(rig.Net.RunUntil(() => rig.Server.IsReceiveComplete(s), rig.Now + Duration.FromSeconds(1)));
        rig.Server.Close(s, rig.Now);
        Assert.True(rig.Net.RunUntil(() => rig.Server.ConnectionCount == 0 && rig.Client.ConnectionCount == 0, rig.Now + Duration.FromSeconds(1)));
        Assert.True(rig.Now < ScenarioRig.At(1000), $"the old connection closed only at {rig.Now}");
        rig.Net.RunUntil(ScenarioRig.At(1000));
        return (rig, oldBytes, rule);
    }

    private static WireSegment HeldSegment(ScenarioRig rig)
        => rig.Log.Events.Where(e => e.Kind == SimEventKind.Delayed).Select(e => rig.Segments.Single(x => x.PacketId == e.PacketId)).Single();

    [Fact]
    public void DelayedDuplicateCannotReachANewIncarnationWhileTimeWaitHoldsTheTuple()
    {
        var (rig, _, _) = OldConnectionWithADelayedSegment(TcpSettings.Default);
        Assert.Equal(1, rig.Client.TimeWaitCount);
        // The 4-tuple is held: a new connection on it cannot open yet.
        Assert.Throws<InvalidOperationException>(() => rig.Client.Connect(ScenarioRig.ServerAddress, ScenarioRig.Port, rig.Now, ClientPort));

        // The held segment arrives at a server that has no connection for it: it answers RST, which TIME-WAIT ignores (RFC 1337).
        var held = HeldSegment(rig);
        Assert.True(rig.Net.RunUntil(() => rig.Client.TimeWaitCount == 0, ScenarioRig.At(70_000)));
        var arrival = rig.Log.Events.Single(e => e.Kind == SimEventKind.Delivered && e.PacketId == held.PacketId).Time;
        Assert.True(arrival < rig.Now);
        // The server still listens on the port: an ACK-bearing segment in LISTEN is answered with RST (RFC 9293 §3.10.7.2).
        Assert.Contains(rig.ServerEvents.Of(TcpEventKind.SegmentDropped), e => e.Time == arrival && e.DropReason == TcpDropReason.ListenAck);
        Assert.Single(rig.Segments, x => x.From == "server" && x.Has(TcpFlags.Rst) && x.Time == arrival && x.Seq == held.Ack);
        Assert.Contains(rig.ClientEvents.Of(TcpEventKind.SegmentDropped), e => e.DropReason == TcpDropReason.TimeWaitRst);

        // Once TIME-WAIT is over the new incarnation opens and carries exactly its own bytes.
        var (c, s) = rig.Open(ClientPort);
        var fresh = ScenarioRig.Pattern(1000, 13);
        Assert.Equal(fresh, rig.Transfer(rig.Client, c, rig.Server, s, fresh, Duration.FromSeconds(2)));
        rig.CheckTransitions();
    }

    /// <summary>Without timestamps (RFC 7323) nothing but TIME-WAIT protects the new incarnation.</summary>
    [Fact]
    public void DelayedDuplicateWithoutTimeWaitIsDeliveredAsTheNewConnectionsData()
    {
        var (rig, oldBytes, _) = OldConnectionWithADelayedSegment(new TcpSettings { DemoSkipTimeWait = true, Timestamps = false });
        Assert.Equal(0, rig.Client.TimeWaitCount);
        // Nothing holds the 4-tuple: the new incarnation opens at once, at exactly t = 1 s.
        var (c, s) = rig.Open(ClientPort);
        var held = HeldSegment(rig);
        var newSyn = rig.Segments.Last(x => x.From == "client" && x.Flags == TcpFlags.Syn);
        Assert.Equal(held.Seq, newSyn.Seq + 1);  // the old segment sits exactly at the new RCV.NXT

        Assert.True(rig.Net.RunUntil(() => rig.Server.Available(s) >= 1000, ScenarioRig.At(3000)));
        var got = ScenarioRig.ReadAll(rig.Server, s, rig.Now);
        // The client has sent nothing on the new connection, yet the server reads the old connection's bytes.
        Assert.Equal(0, rig.Segments.Where(x => x.From == "client" && x.Time >= ScenarioRig.At(1000)).Sum(x => x.PacketId == held.PacketId ? 0 : x.Length));
        Assert.Equal(oldBytes, got);
        Assert.Equal(0, rig.Client.SendQueued(c));
        rig.CheckTransitions();
    }

    /// <summary>
    /// With timestamps (the default) the same held segment carries a TSval older than the new connection's TS.Recent
    /// (the TSval clock of a 4-tuple only climbs), so PAWS (RFC 7323 §5.3) drops it even without TIME-WAIT.
    /// </summary>
    [Fact]
    public void DelayedDuplicateWithoutTimeWaitIsDroppedByPawsWhenTimestampsAreOn()
    {
        var (rig, _, _) = OldConnectionWithADelayedSegment(new TcpSettings { DemoSkipTimeWait = true });
        var (c, s) = rig.Open(ClientPort);
        var held = HeldSegment(rig);
        var newSyn = rig.Segments.Last(x => x.From == "client" && x.Flags == TcpFlags.Syn);
        Assert.Equal(held.Seq, newSyn.Seq + 1);  // in sequence space the old segment still fits exactly

        rig.Net.RunUntil(ScenarioRig.At(3000));
        var arrival = rig.Log.Events.Single(e => e.Kind == SimEventKind.Delivered && e.PacketId == held.PacketId).Time;
        Assert.Contains(rig.ServerEvents.Of(TcpEventKind.SegmentDropped), e => e.Time == arrival && e.DropReason == TcpDropReason.PawsRejected);
        Assert.Equal(0, rig.Server.Available(s));
        var fresh = ScenarioRig.Pattern(1000, 13);
        Assert.Equal(fresh, rig.Transfer(rig.Client, c, rig.Server, s, fresh, Duration.FromSeconds(2)));
        rig.CheckTransitions();
    }

    private static byte[] OldSyn(int payloadLength)
    {
        var h = new TcpHeaderFields { SourcePort = ClientPort, DestinationPort = ScenarioRig.Port, Seq = new SeqNum(123_456), Flags = TcpFlags.Syn, Window = 65535 };
        var buffer = new byte[IpPacket.TcpPacketLength(ScenarioRig.ClientAddress, h.Options, payloadLength)];
        IpPacket.WriteTcp(buffer, ScenarioRig.ClientAddress, ScenarioRig.ServerAddress, h, ScenarioRig.Pattern(payloadLength, 20));
        return buffer;
    }

    [Fact]
    public void OldDuplicateSynIsRefusedByTheThreeWayHandshake()
    {
        var rig = new ScenarioRig();
        rig.Server.Listen(ScenarioRig.Port);
        rig.Net.InjectAt(ScenarioRig.At(0), "client", OldSyn(100));
        rig.Net.RunFor(Duration.FromSeconds(5));

        var seg = rig.Segments;
        Assert.Equal(3, seg.Count);
        var (syn, synAck, rst) = (seg[0], seg[1], seg[2]);
        Assert.Equal(("client", TcpFlags.Syn), (syn.From, syn.Flags));
        // Data on a SYN is not acknowledged before the handshake completes (SynAck, like Linux, keeps none of it).
        Assert.Equal(("server", TcpFlags.Syn | TcpFlags.Ack, syn.Seq + 1), (synAck.From, synAck.Flags, synAck.Ack));
        // The client has no such connection: <SEQ=SEG.ACK><CTL=RST> (RFC 9293 figure 8).
        Assert.Equal(("client", TcpFlags.Rst, synAck.Ack), (rst.From, rst.Flags, rst.Seq));
        var id = new ConnectionId(ScenarioRig.ServerAddress, ScenarioRig.Port, ScenarioRig.ClientAddress, ClientPort);
        Assert.Equal([TcpState.Listen, TcpState.SynReceived, TcpState.Listen], rig.ServerEvents.States(id));
        Assert.Equal(TcpTransitionCause.RcvRst, rig.ServerEvents.Transitions(id)[^1].Cause);
        Assert.False(rig.Server.TryAccept(ScenarioRig.Port, out _));
        Assert.Equal(0, rig.Server.ConnectionCount);
        Assert.Empty(rig.ClientEvents.Connections());
        rig.CheckTransitions();
    }

    [Fact]
    public void OldDuplicateSynWithATwoWayHandshakeCreatesAConnectionNobodyWants()
    {
        var rig = new ScenarioRig(server: new TcpSettings { DemoTwoWayHandshake = true });
        rig.Server.Listen(ScenarioRig.Port);
        rig.Net.InjectAt(ScenarioRig.At(0), "client", OldSyn(100));
        // The SYN arrives at 10 ms; the client's RST to the SYN-ACK only at 30 ms.
        rig.Net.RunUntil(ScenarioRig.At(15));

        var id = new ConnectionId(ScenarioRig.ServerAddress, ScenarioRig.Port, ScenarioRig.ClientAddress, ClientPort);
        Assert.Equal([TcpState.Listen, TcpState.Established], rig.ServerEvents.States(id));
        Assert.True(rig.Server.TryAccept(ScenarioRig.Port, out var s));
        // The application got a connection from a client that never asked, and the stale data with it.
        Assert.Equal(ScenarioRig.Pattern(100, 20), ScenarioRig.ReadAll(rig.Server, s, rig.Now));
        Assert.Empty(rig.ClientEvents.Connections());

        rig.Net.RunFor(Duration.FromSeconds(5));
        // Only the client's RST (sent because it knows nothing of this connection) ends it.
        var rst = rig.Segments.Single(x => x.Has(TcpFlags.Rst));
        Assert.Equal("client", rst.From);
        Assert.Equal(TcpError.Reset, rig.Server.Error(s));
        Assert.Equal([TcpState.Listen, TcpState.Established, TcpState.Closed], rig.ServerEvents.States(id));
        rig.CheckTransitions();
    }
}
