using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>
/// <see cref="TcpSettings.QuickAckSegments"/>: the first segments' worth of a connection's data is acknowledged at once
/// (as Linux's quick-ACK mode does), later data waits for the delayed-ACK timer as before; 0 (the default) changes nothing.
/// </summary>
public sealed class QuickAckTests
{
    private static List<SegmentRecord> DataArrives(CraftedPeer p, int bytes)
    {
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, p.LocalIss + 1, payloadLength: bytes);
        p.PeerNxt += bytes;
        return p.Poll();
    }

    [Fact]
    public void The_first_segments_are_acknowledged_at_once_then_delayed()
    {
        // One full segment's worth (our MSS, 1460) is quick: 1000 bytes are, the next 1000 (2000 in all) are not.
        var p = new CraftedPeer(new TcpSettings { QuickAckSegments = 1 });
        p.ToEstablished();
        var first = DataArrives(p, 1000);
        Assert.Equal(p.PeerNxt, Assert.Single(first).Ack);
        p.Advance(Duration.FromMilliseconds(100));
        Assert.Empty(DataArrives(p, 1000));                        // past the quick allowance: the delayed-ACK timer
        p.Advance(p.Stack.Settings.DelayedAckTimeout);
        Assert.Equal(p.PeerNxt, Assert.Single(p.Poll()).Ack);
    }

    [Fact]
    public void Off_by_default_a_first_small_segment_waits()
    {
        var p = new CraftedPeer();
        p.ToEstablished();
        Assert.Empty(DataArrives(p, 100));
    }
}
