using SynAck.Tcp;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>RFC 7323 §2: the window scale option, negotiated on the SYNs and applied to every later window.</summary>
public sealed class WindowScaleTests
{
    private static TcpOptions SynOptions(byte? shift)
    {
        var o = new TcpOptions { HasMss = true, Mss = 1460 };
        if (shift is { } s)
        {
            o.HasWindowScale = true;
            o.WindowScale = s;
        }
        return o;
    }

    /// <summary>LISTEN gets a SYN with the given options; returns the SYN-ACK.</summary>
    private static SegmentRecordView Handshake(CraftedPeer p, TcpOptions synOptions, ushort ackWindow)
    {
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default, options: synOptions);
        var synAck = p.Poll().Single();
        p.PeerNxt = new SeqNum(p.PeerIss + 1);
        p.Deliver(TcpFlags.Ack, p.PeerNxt, synAck.Seq + 1, window: ackWindow);
        Assert.Equal(TcpState.Established, p.State);
        return new SegmentRecordView(synAck.Window, synAck.Options);
    }

    private readonly record struct SegmentRecordView(ushort Window, TcpOptions Options);

    [Fact]
    public void A_syn_offering_a_shift_gets_ours_back_and_later_windows_are_scaled_both_ways()
    {
        var p = new CraftedPeer();
        var synAck = Handshake(p, SynOptions(7), ackWindow: 100);
        Assert.True(synAck.Options.HasWindowScale);
        Assert.Equal(3, synAck.Options.WindowScale);     // 256 KiB >> 3 fits in 16 bits, 256 KiB >> 2 does not
        Assert.Equal(65535, synAck.Window);              // a SYN-ACK's window is never scaled
        var c = p.Connection;
        Assert.True(c.WindowScaleOk);
        Assert.Equal(100u << 7, c.SndWnd);               // the ACK's window, shifted by the peer's scale

        // Our next segment offers the whole 256 KiB buffer, shifted by our scale.
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, c.SndNxt, payloadLength: 10, window: 100);
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt + 10, c.SndNxt, payloadLength: 3000, window: 100);
        var ack = p.Poll().Single();
        Assert.Equal(p.PeerNxt + 3010, ack.Ack);
        Assert.Equal((262144 - 3010) >> 3, ack.Window);
        Assert.True(c.RcvWnd > 65535);
    }

    [Fact]
    public void A_syn_without_the_option_gets_none_and_windows_stay_unscaled()
    {
        var p = new CraftedPeer();
        var synAck = Handshake(p, SynOptions(null), ackWindow: 100);
        Assert.False(synAck.Options.HasWindowScale);
        var c = p.Connection;
        Assert.False(c.WindowScaleOk);
        Assert.Equal(100u, c.SndWnd);
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, c.SndNxt, payloadLength: 3000, window: 100);
        var ack = p.Poll().Single();
        Assert.True(ack.Window <= 65535);
        Assert.True(c.RcvWnd <= 65535);
    }

    [Fact]
    public void With_the_setting_off_an_offered_shift_is_not_answered_or_used()
    {
        var p = new CraftedPeer(new TcpSettings { WindowScaling = false });
        var synAck = Handshake(p, SynOptions(7), ackWindow: 100);
        Assert.False(synAck.Options.HasWindowScale);
        Assert.False(p.Connection.WindowScaleOk);
        Assert.Equal(100u, p.Connection.SndWnd);
    }

    [Fact]
    public void A_shift_above_fourteen_is_taken_as_fourteen()
    {
        var p = new CraftedPeer();
        Handshake(p, SynOptions(20), ackWindow: 1);
        Assert.Equal(14, p.Connection.SndShift);
        Assert.Equal(1u << 14, p.Connection.SndWnd);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void Active_open_offers_the_option_only_when_on_and_uses_it_only_when_the_syn_ack_has_it(bool on, bool peerAnswers)
    {
        var p = new CraftedPeer(new TcpSettings { WindowScaling = on });
        p.ToSynSent();
        var syn = p.Log.Of(TcpEventKind.SegmentSent).Single().Segment;
        Assert.Equal(on, syn.Options.HasWindowScale);
        var o = SynOptions(peerAnswers ? (byte)5 : null);
        p.Deliver(TcpFlags.Syn | TcpFlags.Ack, new SeqNum(p.PeerIss), p.LocalIss + 1, window: 1000, options: o);
        Assert.Equal(TcpState.Established, p.State);
        var c = p.Connection;
        Assert.Equal(on && peerAnswers, c.WindowScaleOk);
        Assert.Equal(1000u, c.SndWnd);                   // the SYN-ACK's own window is not scaled
        p.Deliver(TcpFlags.Ack, new SeqNum(p.PeerIss + 1), p.LocalIss + 1, window: 1000);
        Assert.Equal(on && peerAnswers ? 1000u << 5 : 1000u, c.SndWnd);
    }
}
