using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>
/// SYN cookies that keep the options (as Linux does): window scale and SACK-permitted ride in the low bits of the
/// cookie SYN-ACK's TSval, and the peer's echo in TSecr brings them back with the handshake's ACK.
/// </summary>
public sealed class SynCookieOptionsTests
{
    private const ushort CookiePort = 1001;
    private static readonly SeqNum PeerIsn = new(777_000);

    private static ConnectionId CookieId => new(CraftedPeer.Local, CraftedPeer.LocalPort, CraftedPeer.Remote, CookiePort);

    private static TcpOptions SynOptions(bool ws = true, bool sack = true, bool ts = true) => new()
    {
        HasMss = true,
        Mss = 1460,
        HasWindowScale = ws,
        WindowScale = (byte)(ws ? 7 : 0),
        SackPermitted = sack,
        HasTimestamps = ts,
        TsVal = ts ? 50_000u : 0,
    };

    /// <summary>Backlog 1 filled by a half-open connection, then a SYN with <paramref name="options"/>: the cookie SYN-ACK.</summary>
    private static SegmentRecord Overflow(CraftedPeer p, TcpOptions options)
    {
        p.Stack.Listen(CraftedPeer.LocalPort, backlog: 1);
        p.Deliver(TcpFlags.Syn, new SeqNum(5000), default, options: new TcpOptions { HasMss = true, Mss = 1460 }, fromPort: 1000);
        Assert.Single(p.Poll());
        p.Deliver(TcpFlags.Syn, PeerIsn, default, options: options, fromPort: CookiePort);
        var synAck = p.Poll().Single();
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.SynCookieSent));
        Assert.Equal(TcpState.Closed, p.Stack.StateOf(CookieId));
        return synAck;
    }

    private static TcpOptions Echo(SegmentRecord synAck, uint tsVal) => new() { HasTimestamps = true, TsVal = tsVal, TsEcr = synAck.Options.TsVal };

    [Fact]
    public void The_cookie_syn_ack_answers_each_option_of_a_timestamped_syn_and_encodes_them_in_its_tsval()
    {
        var p = new CraftedPeer();
        var synAck = Overflow(p, SynOptions());
        var o = synAck.Options;
        Assert.True(o.HasMss && o.HasWindowScale && o.SackPermitted && o.HasTimestamps);
        Assert.Equal(p.Stack.Settings.ReceiveWindowShift, o.WindowScale);
        Assert.Equal(50_000u, o.TsEcr);                       // RFC 7323 §3.2: the SYN's TSval echoed
        Assert.Equal(7u, o.TsVal & 0xF);                      // the peer's shift
        Assert.Equal(0x10u, o.TsVal & 0x10);                  // SACK-permitted
    }

    [Fact]
    public void The_returning_ack_opens_a_connection_with_window_scale_sack_and_timestamps()
    {
        var p = new CraftedPeer();
        var synAck = Overflow(p, SynOptions());
        p.Advance(Duration.FromMilliseconds(20));
        // The peer's window field of 2000 means 2000 << 7 = 256,000 bytes: more than an unscaled field can say.
        p.Deliver(TcpFlags.Ack, PeerIsn + 1, synAck.Seq + 1, window: 2000, options: Echo(synAck, 50_020), fromPort: CookiePort);
        Assert.Equal(TcpState.Established, p.Stack.StateOf(CookieId));
        Assert.True(p.Stack.TryGetConnection(CookieId, out var c));
        Assert.True(c.WindowScaleOk);
        Assert.Equal(7, c.SndShift);
        Assert.Equal(p.Stack.Settings.ReceiveWindowShift, c.RcvShift);
        Assert.True(c.SackOk);
        Assert.True(c.TimestampsOk);
        Assert.Equal(50_020u, c.TsRecent);
        Assert.Equal(256_000u, c.SndWnd);
        Assert.Equal(1460 - 12, c.SndMss);                    // the cookie's MSS, less the timestamps option

        // Every segment it sends carries timestamps, never older than the cookie SYN-ACK's (RFC 7323 §5.4).
        Assert.True(p.Stack.TryAccept(CraftedPeer.LocalPort, out var h));
        p.Stack.Send(h, new byte[1000], p.Now);
        var data = p.Poll().Single();
        Assert.Equal(1000, data.Length);
        Assert.True(data.Options.HasTimestamps);
        Assert.Equal(50_020u, data.Options.TsEcr);
        Assert.True(unchecked((int)(data.Options.TsVal - synAck.Options.TsVal)) >= 20);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void Our_receive_window_is_announced_scaled_beyond_64_KiB()
    {
        var p = new CraftedPeer();
        var synAck = Overflow(p, SynOptions());
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, PeerIsn + 1, synAck.Seq + 1, payloadLength: 100, window: 2000,
            options: Echo(synAck, 50_001), fromPort: CookiePort);
        Assert.True(p.Stack.TryGetConnection(CookieId, out var c));
        p.Advance(p.Stack.Settings.DelayedAckTimeout);
        var ack = p.Poll().Single();
        Assert.Equal(PeerIsn + 101, ack.Ack);
        Assert.True(((long)ack.Window << c.RcvShift) > 65_535, $"window {ack.Window} << {c.RcvShift}");
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public void Only_the_options_the_syn_offered_come_back(bool ws, bool sack)
    {
        var p = new CraftedPeer();
        var synAck = Overflow(p, SynOptions(ws, sack));
        Assert.Equal(ws, synAck.Options.HasWindowScale);
        Assert.Equal(sack, synAck.Options.SackPermitted);
        p.Deliver(TcpFlags.Ack, PeerIsn + 1, synAck.Seq + 1, options: Echo(synAck, 50_001), fromPort: CookiePort);
        Assert.True(p.Stack.TryGetConnection(CookieId, out var c));
        Assert.Equal(ws, c.WindowScaleOk);
        Assert.Equal(sack, c.SackOk);
        Assert.True(c.TimestampsOk);
    }

    [Fact]
    public void A_syn_without_timestamps_gets_a_classic_cookie()
    {
        // Nothing to carry the other options in: the SYN-ACK offers the MSS alone.
        var p = new CraftedPeer();
        var synAck = Overflow(p, SynOptions(ts: false));
        Assert.True(synAck.Options.HasMss);
        Assert.False(synAck.Options.HasWindowScale || synAck.Options.SackPermitted || synAck.Options.HasTimestamps);
        p.Deliver(TcpFlags.Ack, PeerIsn + 1, synAck.Seq + 1, fromPort: CookiePort);
        Assert.True(p.Stack.TryGetConnection(CookieId, out var c));
        Assert.False(c.WindowScaleOk || c.SackOk || c.TimestampsOk);
    }

    [Fact]
    public void An_ack_that_drops_the_timestamps_opens_without_the_options()
    {
        var p = new CraftedPeer();
        var synAck = Overflow(p, SynOptions());
        p.Deliver(TcpFlags.Ack, PeerIsn + 1, synAck.Seq + 1, fromPort: CookiePort);
        Assert.True(p.Stack.TryGetConnection(CookieId, out var c));
        Assert.False(c.WindowScaleOk || c.SackOk || c.TimestampsOk);
    }

    [Fact]
    public void The_encoded_tsval_never_runs_ahead_of_the_clock()
    {
        // RFC 7323 §5.4: the connection's later TSvals must not be below the SYN-ACK's.
        for (uint now = 0; now < 256; now++)
        {
            uint ts = SynCookie.EncodeTsVal(now + 1_000_000, true, 14, true);
            Assert.True(ts <= now + 1_000_000);
            Assert.True(now + 1_000_000 - ts < 64);
            SynCookie.DecodeTsEcr(ts, out bool ws, out byte shift, out bool sack);
            Assert.True(ws && sack);
            Assert.Equal(14, shift);
        }
        SynCookie.DecodeTsEcr(SynCookie.EncodeTsVal(12345, false, 0, false), out bool none, out _, out bool noSack);
        Assert.False(none || noSack);
    }
}
