using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Stack;

public sealed class HandshakeTests
{
    [Fact]
    public void Three_way_handshake_moves_both_sides_to_established_with_isn_plus_one_acks()
    {
        var h = new TwoStacks();
        h.Server.Listen(80);
        var c = h.Client.Connect(TwoStacks.ServerAddress, 80, h.Now);
        Assert.True(h.RunUntil(() => h.Server.TryAccept(80, out _), Instant.FromMilliseconds(1000)));
        h.RunFor(Duration.FromMilliseconds(50));

        Assert.Equal(TcpState.Established, h.Client.State(c));
        var id = h.Client.GetConnectionId(c);
        Assert.Equal([TcpState.Closed, TcpState.SynSent, TcpState.Established], h.ClientLog.States(id));
        var serverId = new ConnectionId(id.RemoteAddress, id.RemotePort, id.LocalAddress, id.LocalPort);
        Assert.Equal([TcpState.Listen, TcpState.SynReceived, TcpState.Established], h.ServerLog.States(serverId));

        Assert.Equal(3, h.Wire.Count);
        var syn = h.Wire[0];
        var synAck = h.Wire[1];
        var ack = h.Wire[2];
        Assert.Equal(TcpFlags.Syn, syn.Flags);
        Assert.True(syn.Options.HasMss);
        Assert.Equal(1460, syn.Options.Mss);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(syn.Seq + 1, synAck.Ack);
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(syn.Seq + 1, ack.Seq);
        Assert.Equal(synAck.Seq + 1, ack.Ack);
        Assert.Equal(1, h.Client.Counters.ActiveOpens);
        Assert.Equal(1, h.Server.Counters.PassiveOpens);
        Assert.Equal(1, h.Client.Counters.CurrEstab);
        h.Check();
    }
}
