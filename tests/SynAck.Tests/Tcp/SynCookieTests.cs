using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>RFC 4987 §3.6: SYN cookies when the listen backlog is full.</summary>
public sealed class SynCookieTests
{
    private const ushort FirstPort = 1000;
    private const ushort CookiePort = 1001;
    private static readonly SeqNum CookiePeerIsn = new(777_000);

    private static ConnectionId CookieId => new(CraftedPeer.Local, CraftedPeer.LocalPort, CraftedPeer.Remote, CookiePort);

    /// <summary>Backlog 1, filled by a half-open connection; then a SYN from <see cref="CookiePort"/>. Returns the cookie SYN-ACK.</summary>
    private static Stack.SegmentRecord Overflow(CraftedPeer p, ushort mss = 1400, TcpOptions? extra = null)
    {
        p.Stack.Listen(CraftedPeer.LocalPort, backlog: 1);
        p.Deliver(TcpFlags.Syn, new SeqNum(5000), default, options: new TcpOptions { HasMss = true, Mss = 1460 }, fromPort: FirstPort);
        Assert.Single(p.Poll());
        var o = extra ?? new TcpOptions();
        o.HasMss = true;
        o.Mss = mss;
        p.Deliver(TcpFlags.Syn, CookiePeerIsn, default, options: o, fromPort: CookiePort);
        return p.Poll().Single();
    }

    [Fact]
    public void A_syn_beyond_the_backlog_gets_a_cookie_syn_ack_and_no_state()
    {
        var p = new CraftedPeer();
        var opts = new TcpOptions { SackPermitted = true, HasWindowScale = true, WindowScale = 7 };
        var synAck = Overflow(p, extra: opts);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(CookiePeerIsn + 1, synAck.Ack);
        // Only the MSS: without timestamps to carry them, a cookie cannot keep window scale or SACK-permitted
        // (SynCookieOptionsTests covers the timestamped SYN).
        Assert.True(synAck.Options.HasMss);
        Assert.False(synAck.Options.HasWindowScale || synAck.Options.SackPermitted || synAck.Options.HasTimestamps);
        Assert.Equal(1, p.Stack.ConnectionCount);
        Assert.Equal(TcpState.Closed, p.Stack.StateOf(CookieId));
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.SynCookieSent));
        Assert.Equal(0, p.Stack.Counters.Drops(TcpDropReason.ListenOverflow));
    }

    [Fact]
    public void The_ack_returning_the_cookie_opens_the_connection_with_the_encoded_mss_and_its_data_is_read()
    {
        var p = new CraftedPeer();
        var synAck = Overflow(p, mss: 1400);
        p.Advance(Duration.FromMilliseconds(30));
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, CookiePeerIsn + 1, synAck.Seq + 1, payloadLength: 100, fromPort: CookiePort);
        Assert.Equal(TcpState.Established, p.Stack.StateOf(CookieId));
        Assert.True(p.Stack.TryAccept(CraftedPeer.LocalPort, out var h));
        Assert.Equal(CookieId, p.Stack.GetConnectionId(h));
        Assert.Equal(100, p.Stack.Available(h));
        Assert.True(p.Stack.TryGetConnection(CookieId, out var c));
        Assert.Equal(1400, c.SndMss);
        Assert.Equal(synAck.Seq, c.Iss);
        Assert.False(c.WindowScaleOk || c.SackOk || c.TimestampsOk);

        // It sends like any other connection, from ISS + 1.
        p.Stack.Send(h, new byte[10], p.Now);
        var data = p.Poll().Single(s => s.Length == 10);
        Assert.Equal(synAck.Seq + 1, data.Seq);
        Assert.Equal(CookiePeerIsn + 101, data.Ack);
        p.Checker.ThrowIfViolated();
    }

    [Theory]
    [InlineData(1300, 1300)]
    [InlineData(1399, 1360)]
    [InlineData(9000, 1460)]   // the cookie says 8960; our own MSS still caps it
    [InlineData(536, 536)]
    [InlineData(300, 256)]     // rounded down, never up to 536 (RFC 9293 §3.7.1)
    [InlineData(100, 64)]      // the smallest entry, which is also the engine's floor
    public void The_peer_mss_is_rounded_down_to_what_the_cookie_can_say(int peerMss, int expected)
    {
        var p = new CraftedPeer();
        var synAck = Overflow(p, mss: (ushort)peerMss);
        p.Deliver(TcpFlags.Ack, CookiePeerIsn + 1, synAck.Seq + 1, fromPort: CookiePort);
        Assert.True(p.Stack.TryGetConnection(CookieId, out var c));
        Assert.Equal(expected, c.SndMss);
    }

    [Fact]
    public void A_forged_cookie_is_answered_with_rst()
    {
        var p = new CraftedPeer();
        var synAck = Overflow(p);
        p.Deliver(TcpFlags.Ack, CookiePeerIsn + 1, synAck.Seq + 2, fromPort: CookiePort);
        var rst = p.Poll().Single();
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(TcpState.Closed, p.Stack.StateOf(CookieId));
        // The same cookie for another peer ISN is just as wrong: the hash covers it.
        p.Deliver(TcpFlags.Ack, CookiePeerIsn + 2, synAck.Seq + 1, fromPort: CookiePort);
        Assert.Equal(TcpFlags.Rst, p.Poll().Single().Flags);
    }

    [Fact]
    public void A_cookie_older_than_two_ticks_is_refused()
    {
        var p = new CraftedPeer();
        var synAck = Overflow(p);
        // Three minutes later (the half-open connection has long given up) two SYNs overflow the backlog again, so
        // cookies are being honoured; the first cookie's counter is now too old all the same.
        for (int i = 0; i < 190; i++)
        {
            p.Advance(Duration.FromSeconds(1));
            p.Poll();
        }
        Assert.Equal(0, p.Stack.ConnectionCount);
        p.Deliver(TcpFlags.Syn, new SeqNum(1), default, fromPort: 1002);
        p.Deliver(TcpFlags.Syn, new SeqNum(1), default, fromPort: 1003);
        Assert.Equal(2, p.Poll().Count);
        Assert.Equal(2, p.Stack.Counters.Drops(TcpDropReason.SynCookieSent));
        p.Deliver(TcpFlags.Ack, CookiePeerIsn + 1, synAck.Seq + 1, fromPort: CookiePort);
        Assert.Equal(TcpFlags.Rst, p.Poll().Single().Flags);
        Assert.Equal(TcpState.Closed, p.Stack.StateOf(CookieId));
    }

    [Fact]
    public void Without_a_recent_overflow_an_ack_in_listen_is_not_taken_as_a_cookie()
    {
        var p = new CraftedPeer();
        var synAck = Overflow(p);
        p.Advance(Duration.FromSeconds(130));
        p.Poll();   // the half-open connection's SYN-ACK retransmissions, due meanwhile
        p.Deliver(TcpFlags.Ack, CookiePeerIsn + 1, synAck.Seq + 1, fromPort: CookiePort);
        Assert.Equal(TcpFlags.Rst, p.Poll().Single().Flags);
    }
}
