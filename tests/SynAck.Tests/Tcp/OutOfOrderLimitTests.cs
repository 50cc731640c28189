using SynAck.Tcp;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>
/// The per-connection reassembly limit: at most <see cref="TcpSettings.MaxOutOfOrderRanges"/> out-of-order ranges are
/// held (each inside the receive window, so the bytes are bounded by the receive buffer). A segment that would need
/// another range is dropped, counted as <see cref="TcpDropReason.OutOfOrderFull"/> and answered with a duplicate ACK,
/// so the sender resends it once the holes fill.
/// </summary>
public sealed class OutOfOrderLimitTests
{
    [Fact]
    public void A_segment_needing_one_range_too_many_is_dropped_counted_and_taken_later()
    {
        var p = new CraftedPeer(new TcpSettings { MaxOutOfOrderRanges = 4 });
        p.ToEstablished();
        var start = p.PeerNxt;
        // Five disjoint islands of 100 bytes, each after a 100-byte hole.
        for (int k = 1; k <= 5; k++)
            p.Deliver(TcpFlags.Ack, start + 200 * k, p.LocalIss + 1, 100);
        var acks = p.Poll();
        Assert.Equal(4, p.Connection.OutOfOrderRanges);
        Assert.Equal(1, p.Stack.Counters.Drops(TcpDropReason.OutOfOrderFull));
        Assert.All(acks, a => Assert.Equal(start, a.Ack));

        // The holes fill in order; the dropped island comes again and completes the stream.
        for (int k = 0; k <= 4; k++)
            p.Deliver(TcpFlags.Ack, start + 200 * k + (k == 0 ? 0 : 100), p.LocalIss + 1, k == 0 ? 200 : 100);
        p.Deliver(TcpFlags.Ack, start + 1000, p.LocalIss + 1, 100);
        p.Poll();
        Assert.Equal(0, p.Connection.OutOfOrderRanges);
        Assert.Equal(start + 1100, p.Connection.RcvNxt);
        Assert.Equal(1100, p.Stack.Available(p.Handle));
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void By_default_a_window_with_hundreds_of_holes_is_held_whole()
    {
        // A drop-tail queue overflowing in slow start drops about every other segment of a burst: a 100 ms, 100 Mbit/s
        // path leaves hundreds of holes in one window (docs/goodput.md). Dropping the islands past a small range limit
        // made each of them a loss the sender had to find and resend (1,652 of 11 MiB on that path with 8 ranges).
        var p = new CraftedPeer(TcpSettings.Default);
        p.ToEstablished();
        var start = p.PeerNxt;
        const int islands = 300;
        for (int k = 1; k <= islands; k++)
            p.Deliver(TcpFlags.Ack, start + 200 * k, p.LocalIss + 1, 100);
        p.Poll();
        Assert.Equal(islands, p.Connection.OutOfOrderRanges);
        Assert.Equal(0, p.Stack.Counters.Drops(TcpDropReason.OutOfOrderFull));
        p.Checker.ThrowIfViolated();
    }
}
