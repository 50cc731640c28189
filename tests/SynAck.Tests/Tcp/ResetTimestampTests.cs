using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>RFC 7323 §3.2: once timestamps are agreed, a RST the connection sends SHOULD carry TSopt too.</summary>
public sealed class ResetTimestampTests
{
    private static TcpOptions Ts(uint val, uint ecr, bool mss = false)
        => new() { HasMss = mss, Mss = 1460, HasTimestamps = true, TsVal = val, TsEcr = ecr };

    [Fact]
    public void Closing_with_unread_data_resets_with_the_timestamps_option()
    {
        var p = new CraftedPeer();
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Deliver(TcpFlags.Syn, new SeqNum(p.PeerIss), default, options: Ts(100, 0, mss: true));
        var synAck = p.Poll().Single();
        p.PeerNxt = new SeqNum(p.PeerIss + 1);
        p.Deliver(TcpFlags.Ack, p.PeerNxt, synAck.Seq + 1, options: Ts(200, synAck.Options.TsVal));
        Assert.True(p.Stack.TryAccept(CraftedPeer.LocalPort, out var h));
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, synAck.Seq + 1, payloadLength: 100, options: Ts(201, synAck.Options.TsVal));
        p.Poll();
        p.Advance(Duration.FromSeconds(1));
        p.Stack.Close(h, p.Now);                                    // 100 bytes never read: RST (RFC 2525 §2.17)
        var rst = p.Poll().Single();
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, rst.Flags);
        Assert.True(rst.Options.HasTimestamps);
        Assert.Equal(201u, rst.Options.TsEcr);
        Assert.Equal(synAck.Options.TsVal + 1000, rst.Options.TsVal); // the clock moved on 1 s since the SYN-ACK
    }
}
