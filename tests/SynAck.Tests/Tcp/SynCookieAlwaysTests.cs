using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>
/// <see cref="TcpSettings.SynCookiesAlways"/> (Linux <c>tcp_syncookies=2</c>): every SYN is answered with a cookie,
/// the backlog empty or not, and the returning ACK opens the connection.
/// </summary>
public sealed class SynCookieAlwaysTests
{
    private static readonly ConnectionId Id = new(CraftedPeer.Local, CraftedPeer.LocalPort, CraftedPeer.Remote, 1000);

    [Fact]
    public void A_syn_to_an_empty_listener_gets_a_cookie_and_its_ack_opens_the_connection()
    {
        var p = new CraftedPeer(new TcpSettings { SynCookiesAlways = true, Timestamps = false });
        p.Stack.Listen(CraftedPeer.LocalPort, backlog: 8);
        p.Deliver(TcpFlags.Syn, new SeqNum(5000), default,
            options: new TcpOptions { HasMss = true, Mss = 1460, HasWindowScale = true, WindowScale = 7, SackPermitted = true }, fromPort: 1000);
        var synAck = p.Poll().Single();
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.SynCookieSent));
        Assert.Equal(TcpState.Closed, p.Stack.StateOf(Id));            // nothing kept for the SYN
        Assert.False(synAck.Options.HasWindowScale || synAck.Options.SackPermitted); // no timestamps to remember them in
        p.Advance(Duration.FromMilliseconds(10));
        p.Deliver(TcpFlags.Ack, new SeqNum(5001), synAck.Seq + 1, fromPort: 1000);
        Assert.Equal(TcpState.Established, p.Stack.StateOf(Id));
        Assert.True(p.Stack.TryAccept(CraftedPeer.LocalPort, out _));
    }

    [Fact]
    public void Without_it_a_syn_to_an_empty_listener_opens_a_half_open_connection()
    {
        var p = new CraftedPeer(new TcpSettings { Timestamps = false });
        p.Stack.Listen(CraftedPeer.LocalPort, backlog: 8);
        p.Deliver(TcpFlags.Syn, new SeqNum(5000), default, options: new TcpOptions { HasMss = true, Mss = 1460 }, fromPort: 1000);
        Assert.Single(p.Poll());
        Assert.Equal(0, p.Stack.Counters.Drops(TcpDropReason.SynCookieSent));
        Assert.Equal(TcpState.SynReceived, p.Stack.StateOf(Id));
    }
}
