using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Stack;

/// <summary>The seed's questions (scenarios.md) that the engine answers on its own, on the two-stack harness.</summary>
public sealed class ScenarioTests
{
    private static byte[] Craft(IpAddress src, IpAddress dst, ushort sport, ushort dport, TcpFlags flags, uint seq, uint ack, int payload = 0)
    {
        var h = new TcpHeaderFields { SourcePort = sport, DestinationPort = dport, Seq = new SeqNum(seq), Ack = new SeqNum(ack), Flags = flags, Window = 65535 };
        var buf = new byte[IpPacket.TcpPacketLength(src, h.Options, payload)];
        IpPacket.WriteTcp(buf, src, dst, h, new byte[payload]);
        return buf;
    }

    [Fact]
    public void Old_duplicate_syn_is_refused_by_the_client_and_the_server_returns_to_listen()
    {
        var h = new TwoStacks();
        h.Server.Listen(80);
        h.Inject(true, Craft(TwoStacks.ClientAddress, TwoStacks.ServerAddress, 45000, 80, TcpFlags.Syn, 90_000, 0));
        h.RunFor(Duration.FromSeconds(1));
        var id = new ConnectionId(TwoStacks.ServerAddress, 80, TwoStacks.ClientAddress, 45000);
        Assert.Equal([TcpState.Listen, TcpState.SynReceived, TcpState.Listen], h.ServerLog.States(id));
        Assert.Equal(0, h.Server.ConnectionCount);
        Assert.False(h.Server.TryAccept(80, out _));
        var rst = h.Wire.Single(r => r.FromClient);
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        h.Check();
    }

    [Fact]
    public void With_the_two_way_handshake_demo_the_old_syn_creates_a_connection_nobody_wants()
    {
        var demo = new TcpSettings { DemoTwoWayHandshake = true };
        var h = new TwoStacks(TcpSettings.Default, demo);
        h.Server.Listen(80);
        h.DropRule = r => r.FromClient;   // the client's RST is lost, as the counterfactual needs nothing more
        h.Inject(true, Craft(TwoStacks.ClientAddress, TwoStacks.ServerAddress, 45000, 80, TcpFlags.Syn | TcpFlags.Psh, 90_000, 0, 12));
        h.RunFor(Duration.FromMilliseconds(100));
        Assert.True(h.Server.TryAccept(80, out var s));
        Assert.Equal(TcpState.Established, h.Server.State(s));
        Assert.Equal(12, h.Server.Available(s));
        h.Check();
    }

    [Fact]
    public void Half_open_after_server_restart_the_client_learns_by_rst()
    {
        var h = new TwoStacks();
        var (c, _) = ConnectedPair.Open(h);
        h.RestartServer();
        h.Client.Send(c, new byte[50], h.Now);
        h.RunFor(Duration.FromSeconds(1));
        Assert.Equal(TcpState.Closed, h.Client.State(c));
        Assert.Equal(TcpError.Reset, h.Client.Error(c));
        Assert.Equal(1, h.Server.Counters.Drops(TcpDropReason.NoConnection));
        h.Check();
    }

    [Fact]
    public void Time_wait_keeps_the_4_tuple_from_a_new_connect_and_drops_a_delayed_old_segment()
    {
        var h = new TwoStacks();
        var (c, s) = ConnectedPair.Open(h);
        var id = h.Client.GetConnectionId(c);
        h.Client.Send(c, new byte[100], h.Now);
        h.RunFor(Duration.FromSeconds(1));
        var old = h.Wire.Last(r => r.FromClient && r.Length == 100);
        h.Client.Close(c, h.Now);
        h.RunFor(Duration.FromMilliseconds(100));
        h.Server.Receive(s, new byte[200], h.Now);
        h.Server.Close(s, h.Now);
        h.RunFor(Duration.FromSeconds(1));
        Assert.Equal(TcpState.Closed, h.Client.State(c));          // the handle retired with the Close
        Assert.Equal(TcpState.TimeWait, h.Client.StateOf(id));     // but the 4-tuple is held
        Assert.Throws<InvalidOperationException>(() => h.Client.Connect(TwoStacks.ServerAddress, 80, h.Now, id.LocalPort));
        // The old data segment, delayed in the network, reaches the client's TIME-WAIT: not data for anyone.
        h.Inject(false, Craft(TwoStacks.ServerAddress, TwoStacks.ClientAddress, 80, id.LocalPort, TcpFlags.Ack | TcpFlags.Psh, old.Ack.Value, old.Seq.Value, 100));
        h.RunFor(Duration.FromSeconds(1));
        Assert.Equal(1, h.Client.Counters.Drops(TcpDropReason.TimeWaitSegment));
        h.RunFor(Duration.FromSeconds(60));
        var again = h.Client.Connect(TwoStacks.ServerAddress, 80, h.Now, id.LocalPort);
        Assert.True(h.RunUntil(() => h.Client.State(again) == TcpState.Established, h.Now + Duration.FromSeconds(5)));
        h.Check();
    }

    [Fact]
    public void Counters_follow_tcp_mib_through_a_lifecycle()
    {
        var h = new TwoStacks();
        var (c, s) = ConnectedPair.Open(h);
        Assert.Equal(1, h.Client.Counters.CurrEstab);
        Assert.Equal(1, h.Server.Counters.CurrEstab);
        h.Client.Close(c, h.Now);
        h.RunFor(Duration.FromMilliseconds(100));
        Assert.Equal(0, h.Client.Counters.CurrEstab);
        Assert.Equal(1, h.Server.Counters.CurrEstab);     // CLOSE-WAIT still counts
        h.Server.Close(s, h.Now);
        h.RunFor(Duration.FromMilliseconds(100));
        Assert.Equal(0, h.Server.Counters.CurrEstab);
        Assert.Equal(1, h.Client.Counters.TimeWait);
        Assert.Equal(h.Wire.Count(r => r.FromClient), h.Client.Counters.OutSegs);
        Assert.Equal(h.Wire.Count(r => r.FromClient), h.Server.Counters.InSegs);
        Assert.Equal(0, h.Client.Counters.EstabResets + h.Server.Counters.EstabResets);
        h.Check();
    }
}
