using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Stack;

/// <summary>RFC 4987 between two stacks: a listener whose backlog is full still completes handshakes by SYN cookie.</summary>
public sealed class SynCookieTransferTests
{
    [Fact]
    public void Connections_opened_by_cookie_carry_data_both_ways()
    {
        var h = new TwoStacks();
        h.Server.Listen(80, backlog: 1);
        // Three clients at once, each with a request to send as soon as it is established: the first SYN fills the
        // backlog (half-open), the other two get cookies. All three ACKs arrive together; a cookie ACK finding the
        // accept queue full is dropped unanswered (RFC 4987 §3.6's cost), and the request's retransmission brings it back.
        var clients = Enumerable.Range(0, 3).Select(_ => h.Client.Connect(TwoStacks.ServerAddress, 80, h.Now)).ToList();
        var request = ConnectedPair.Pattern(100, 99);
        foreach (var c in clients)
            Assert.Equal(request.Length, h.Client.Send(c, request, h.Now));
        var accepted = new List<TcpHandle>();
        Assert.True(h.RunUntil(() =>
        {
            while (h.Server.TryAccept(80, out var s))
                accepted.Add(s);
            return accepted.Count == 3;
        }, h.Now + Duration.FromSeconds(5)));
        Assert.Equal(2, h.Server.Counters.Drops(TcpDropReason.SynCookieSent));
        // Nobody had to retransmit a SYN: the cookies answered at once.
        Assert.Equal(3, h.Wire.Count(r => r.FromClient && r.Flags == TcpFlags.Syn));

        for (int i = 0; i < clients.Count; i++)
        {
            var c = clients[i];
            var s = accepted.Single(a => h.Server.GetConnectionId(a) == ConnectedPair.ServerSide(h.Client.GetConnectionId(c)));
            var got = new byte[request.Length];
            Assert.True(h.RunUntil(() => h.Server.Available(s) >= request.Length, h.Now + Duration.FromSeconds(5)));
            Assert.Equal(request.Length, h.Server.Receive(s, got, h.Now));
            Assert.Equal(request, got);
            var up = ConnectedPair.Pattern(50_000, 100 + i);
            var down = ConnectedPair.Pattern(30_000, 200 + i);
            Assert.Equal(up, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, up, Duration.FromSeconds(10)));
            Assert.Equal(down, ConnectedPair.Transfer(h, h.Server, s, h.Client, c, down, Duration.FromSeconds(10)));
        }
        // The cookie connections kept every option too: window scale and SACK-permitted rode in the TSval (issue 11).
        Assert.All(accepted, a => Assert.True(h.Server.Get(a).TimestampsOk && h.Server.Get(a).WindowScaleOk && h.Server.Get(a).SackOk));
        h.Check();
    }

    [Fact]
    public void With_cookies_off_the_excess_syn_waits_for_its_retransmission()
    {
        var h = new TwoStacks(server: new TcpSettings { SynCookies = false });
        h.Server.Listen(80, backlog: 1);
        var clients = Enumerable.Range(0, 2).Select(_ => h.Client.Connect(TwoStacks.ServerAddress, 80, h.Now)).ToList();
        var accepted = new List<TcpHandle>();
        Assert.True(h.RunUntil(() =>
        {
            while (h.Server.TryAccept(80, out var s))
                accepted.Add(s);
            return accepted.Count == 2;
        }, h.Now + Duration.FromSeconds(5)));
        Assert.Equal(1, h.Server.Counters.Drops(TcpDropReason.ListenOverflow));
        Assert.Equal(3, h.Wire.Count(r => r.FromClient && r.Flags == TcpFlags.Syn));
        h.Check();
    }
}
