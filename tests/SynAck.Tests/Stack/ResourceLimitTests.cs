using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Stack;

/// <summary>
/// Each resource limit of <see cref="TcpSettings"/> (issue H, item 4) hit on purpose: it behaves as documented in
/// docs/architecture.md, a counter says it was hit, and the connections that fit keep working.
/// </summary>
public sealed class ResourceLimitTests
{
    private static readonly Duration Ten = Duration.FromSeconds(10);

    private static (TcpHandle Client, TcpHandle Server) Open(TwoStacks h)
    {
        var c = h.Client.Connect(TwoStacks.ServerAddress, 80, h.Now);
        TcpHandle s = default;
        Assert.True(h.RunUntil(() => h.Server.TryAccept(80, out s), h.Now + Ten));
        Assert.True(h.RunUntil(() => h.Client.State(c) == TcpState.Established, h.Now + Ten));
        return (c, s);
    }

    private static void StillWorks(TwoStacks h)
    {
        var (c, s) = Open(h);
        var data = ConnectedPair.Pattern(100_000, seed: 3);
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, data, Ten));
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Server, s, h.Client, c, data, Ten));
    }

    [Fact]
    public void A_full_time_wait_table_closes_the_connection_without_time_wait_and_counts_it()
    {
        var h = new TwoStacks(client: new TcpSettings { MaxTimeWait = 2 }, server: TcpSettings.Default);
        h.Server.Listen(80);
        for (int i = 0; i < 3; i++)
        {
            var (c, s) = Open(h);
            h.Client.Close(c, h.Now);
            h.RunFor(Duration.FromMilliseconds(100));
            h.Server.Close(s, h.Now);
            h.RunFor(Duration.FromMilliseconds(100));
        }
        Assert.Equal(2, h.Client.TimeWaitCount);
        Assert.Equal(1, h.Client.Counters.TimeWaitOverflow);
        Assert.Equal(0, h.Client.ConnectionCount);
        Assert.Equal(0, h.Server.ConnectionCount);
        StillWorks(h);
        h.Check();
    }

    [Fact]
    public void Past_the_orphan_limit_a_close_resets_instead_and_counts_it()
    {
        var h = new TwoStacks(client: new TcpSettings { MaxOrphans = 2 }, server: TcpSettings.Default);
        h.Server.Listen(80);
        // The client's FINs never arrive, so each closed connection stays an orphan in FIN-WAIT-1.
        h.DropRule = seg => seg.FromClient && seg.Has(TcpFlags.Fin);
        var pairs = Enumerable.Range(0, 3).Select(_ => Open(h)).ToList();
        foreach (var (c, _) in pairs)
            h.Client.Close(c, h.Now);
        h.RunFor(Duration.FromMilliseconds(100));
        Assert.Equal(2, h.Client.Orphans);
        Assert.Equal(TcpState.FinWait1, h.Client.StateOf(h.Client.GetConnectionId(pairs[0].Client)));
        Assert.Equal(1, h.Client.Counters.OrphanOverflow);
        // The third was reset: the server's side of it is gone with a reset error.
        Assert.Equal(TcpState.Closed, h.Server.State(pairs[2].Server));
        Assert.Equal(TcpError.Reset, h.Server.Error(pairs[2].Server));
        Assert.Equal(TcpState.Established, h.Server.State(pairs[0].Server));
        StillWorks(h);
        h.Check();
    }

    [Fact]
    public void Orphans_are_counted_until_their_close_completes()
    {
        var h = new TwoStacks();
        var (c, s) = ConnectedPair.Open(h);
        h.Client.Close(c, h.Now);
        Assert.Equal(1, h.Client.Orphans);
        h.RunFor(Duration.FromMilliseconds(100));
        h.Server.Close(s, h.Now);
        Assert.Equal(1, h.Server.Orphans);
        h.RunFor(Duration.FromMilliseconds(100));
        Assert.Equal(0, h.Client.Orphans);
        Assert.Equal(0, h.Server.Orphans);
        h.Check();
    }

    [Fact]
    public void At_the_connection_limit_syns_are_dropped_and_counted_and_get_in_once_there_is_room()
    {
        var h = new TwoStacks(client: TcpSettings.Default, server: new TcpSettings { MaxConnections = 2 });
        h.Server.Listen(80);
        var first = Open(h);
        var second = Open(h);
        var third = h.Client.Connect(TwoStacks.ServerAddress, 80, h.Now);
        h.RunFor(Duration.FromMilliseconds(500));
        Assert.Equal(TcpState.SynSent, h.Client.State(third));
        Assert.True(h.Server.Counters.Drops(TcpDropReason.ConnectionLimit) >= 1);
        Assert.Equal(2, h.Server.ConnectionCount);
        // The connections that fit keep working.
        var data = ConnectedPair.Pattern(50_000);
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Client, second.Client, h.Server, second.Server, data, Ten));
        // Room made: the retransmitted SYN (RFC 6298 backoff) gets in.
        h.Client.Abort(first.Client, h.Now);
        h.RunFor(Duration.FromMilliseconds(50));
        h.Server.Close(first.Server, h.Now);
        Assert.True(h.RunUntil(() => h.Client.State(third) == TcpState.Established, h.Now + Duration.FromSeconds(5)));
        h.Check();
    }

    [Fact]
    public void An_active_open_past_the_connection_limit_is_refused_and_counted()
    {
        var h = new TwoStacks(client: new TcpSettings { MaxConnections = 1 }, server: TcpSettings.Default);
        h.Server.Listen(80);
        Open(h);
        Assert.Throws<InvalidOperationException>(() => h.Client.Connect(TwoStacks.ServerAddress, 80, h.Now));
        Assert.Equal(1, h.Client.Counters.ConnectionLimitHits);
        h.Check();
    }

    [Fact]
    public void Out_of_order_ranges_past_the_limit_are_dropped_and_counted_and_the_stream_still_completes()
    {
        var h = new TwoStacks(client: TcpSettings.Default, server: new TcpSettings { MaxOutOfOrderRanges = 2 });
        h.Server.Listen(80);
        var (c, s) = Open(h);
        h.Client.SetNoDelay(c, true);
        // Lose every other data segment once, so the receiver sees many holes at a time.
        var dropped = new HashSet<uint>();
        h.DropRule = seg => seg.FromClient && seg.Length > 0 && (seg.Seq.Value / 1000 % 2 == 0) && dropped.Add(seg.Seq.Value);
        var data = ConnectedPair.Pattern(200_000, seed: 5);
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, data, Duration.FromSeconds(120)));
        Assert.True(h.Server.Counters.Drops(TcpDropReason.OutOfOrderFull) > 0, "the reassembly limit was never hit");
        h.Check();
    }

    [Fact]
    public void Past_the_buffer_budget_windows_shrink_the_hit_is_counted_and_other_connections_still_work()
    {
        // The server's buffers may hold 8 chunks (128 KiB) together, for receive windows of 256 KiB each.
        const int Budget = 8 * 16 * 1024;
        var h = new TwoStacks(client: TcpSettings.Default, server: new TcpSettings { BufferPoolLimit = Budget });
        h.Server.Listen(80);
        var (c, s) = Open(h);
        var data = ConnectedPair.Pattern(400_000, seed: 9);
        int queued = h.Client.Send(c, data, h.Now);
        h.RunFor(Duration.FromSeconds(5));

        // Nobody reads on the server: it holds what the budget lets it promise and no more.
        int held = h.Server.Available(s);
        Assert.InRange(held, 1, Budget);
        Assert.True(h.Server.Buffers.ReservedChunks <= 8, $"{h.Server.Buffers.ReservedChunks} chunks reserved");
        Assert.True(h.Server.Counters.BufferBudgetHits > 0, "the budget was never hit");
        Assert.Equal(TcpState.Established, h.Client.State(c));

        // The reader catches up: every byte arrives in order, the rest of the data follows.
        var received = new List<byte>();
        var buffer = new byte[64 * 1024];
        int sent = queued;
        Assert.True(h.RunUntil(() =>
        {
            int n;
            while ((n = h.Server.Receive(s, buffer, h.Now)) > 0)
                received.AddRange(buffer.AsSpan(0, n).ToArray());
            if (sent < data.Length)
                sent += h.Client.Send(c, data.AsSpan(sent), h.Now);
            return received.Count == data.Length;
        }, h.Now + Duration.FromSeconds(60)));
        Assert.Equal(data, received.ToArray());
        StillWorks(h);
        h.Check();
    }
}
