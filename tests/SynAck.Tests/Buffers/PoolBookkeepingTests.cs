using System.Runtime.CompilerServices;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;

namespace SynAck.Tests.Buffers;

/// <summary>
/// Every chunk a connection rents from its stack's pool goes back, and so does every reservation, however the
/// connection ends: close, abort, reset, TIME-WAIT. A released connection is not kept reachable by the stack.
/// </summary>
public sealed class PoolBookkeepingTests
{
    private static void AssertPoolEmpty(NetStack stack)
    {
        Assert.Equal(0, stack.Buffers.RentedChunks);
        Assert.Equal(0, stack.Buffers.ReservedChunks);
        Assert.Equal(0, stack.Buffers.RentedTables);
    }

    [Fact]
    public void A_graceful_close_returns_every_chunk_on_both_sides_while_TIME_WAIT_holds_the_4_tuple()
    {
        var h = new TwoStacks();
        var (c, s) = ConnectedPair.Open(h);
        var id = h.Client.GetConnectionId(c);
        Assert.Equal(0, h.Client.Buffers.RentedChunks);       // idle: nothing held
        Assert.Equal(100_000, h.Client.Send(c, ConnectedPair.Pattern(100_000), h.Now));
        Assert.True(h.Client.Buffers.RentedChunks >= 7);      // queued: 100,000 bytes need seven chunks
        ConnectedPair.Transfer(h, h.Client, c, h.Server, s, [], Duration.Zero);
        var data = ConnectedPair.Pattern(50_000, seed: 9);
        var back = ConnectedPair.Transfer(h, h.Server, s, h.Client, c, data, Duration.FromSeconds(10));
        Assert.Equal(data, back);
        var sink = new byte[200_000];
        Assert.True(h.RunUntil(() => h.Server.Receive(s, sink, h.Now) == 0 && h.Server.Available(s) == 0 && h.Client.SendQueued(c) == 0, h.Now + Duration.FromSeconds(10)));
        h.Client.Close(c, h.Now);
        h.Server.Close(s, h.Now);
        Assert.True(h.RunUntil(() => h.Client.StateOf(id) == TcpState.TimeWait && h.Server.ConnectionCount == 0, h.Now + Duration.FromSeconds(10)));
        AssertPoolEmpty(h.Client);
        AssertPoolEmpty(h.Server);
        h.Check();
    }

    [Fact]
    public void An_abort_with_data_queued_returns_it_and_the_reset_side_returns_its_unread_bytes_on_close()
    {
        var h = new TwoStacks();
        var (c, s) = ConnectedPair.Open(h);
        h.Client.Send(c, ConnectedPair.Pattern(200_000), h.Now);
        h.RunFor(Duration.FromMilliseconds(25));               // some of it arrives and waits unread
        Assert.True(h.Server.Available(s) > 0);
        h.Client.Abort(c, h.Now);
        AssertPoolEmpty(h.Client);
        Assert.True(h.RunUntil(() => h.Server.ConnectionCount == 0, h.Now + Duration.FromSeconds(5)));
        // Reset: the connection is gone but what arrived stays readable until the application lets go.
        Assert.True(h.Server.Buffers.RentedChunks > 0);
        h.Server.Close(s, h.Now);
        AssertPoolEmpty(h.Server);
        h.Check();
    }

    [Fact]
    public void Bytes_left_by_a_reset_go_back_as_they_are_read()
    {
        var h = new TwoStacks();
        var (c, s) = ConnectedPair.Open(h);
        var data = ConnectedPair.Pattern(40_000);
        h.Server.Send(s, data, h.Now);
        h.RunFor(Duration.FromMilliseconds(100));
        Assert.Equal(data.Length, h.Client.Available(c));
        h.Server.Abort(s, h.Now);
        Assert.True(h.RunUntil(() => h.Client.ConnectionCount == 0, h.Now + Duration.FromSeconds(5)));
        Assert.Equal(TcpError.Reset, h.Client.Error(c));
        var read = new byte[data.Length];
        Assert.Equal(data.Length, h.Client.Receive(c, read, h.Now));
        Assert.Equal(data, read);
        AssertPoolEmpty(h.Client);
        AssertPoolEmpty(h.Server);
        h.Check();
    }

    [Fact]
    public void A_connection_entering_TIME_WAIT_releases_its_buffers_and_is_unreachable_once_its_handle_closes()
    {
        var h = new TwoStacks();
        var (c, s) = ConnectedPair.Open(h);
        var id = h.Client.GetConnectionId(c);
        // Unacknowledged data arms the retransmission timer far ahead; it must not keep the connection alive.
        h.Client.Send(c, ConnectedPair.Pattern(30_000), h.Now);
        var weak = Track(h.Client, c);
        var sink = new byte[64_000];
        Assert.True(h.RunUntil(() => { h.Server.Receive(s, sink, h.Now); return h.Client.SendQueued(c) == 0; }, h.Now + Duration.FromSeconds(10)));
        h.Client.Shutdown(c, h.Now);
        Assert.True(h.RunUntil(() => h.Server.IsReceiveComplete(s), h.Now + Duration.FromSeconds(10)));
        h.Server.Close(s, h.Now);
        Assert.True(h.RunUntil(() => h.Client.StateOf(id) == TcpState.TimeWait, h.Now + Duration.FromSeconds(10)));
        AssertPoolEmpty(h.Client);
        Assert.Equal(TcpState.TimeWait, h.Client.State(c));
        h.Client.Close(c, h.Now);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(weak.IsAlive, "the connection in TIME-WAIT is still reachable from the stack");
        Assert.Equal(TcpState.TimeWait, h.Client.StateOf(id));
        h.Check();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference Track(NetStack stack, TcpHandle handle) => new(stack.Get(handle));
}
