using System.Security.Cryptography;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Stack;

public sealed class DataTransferTests
{
    [Fact]
    public void Data_retransmissions_back_off_and_the_connection_times_out_after_the_retry_limit()
    {
        // Without the tail loss probe, which would otherwise go once at the first RTO's time instead of it (RFC 8985 §7.2).
        var h = new TwoStacks(new TcpSettings { TailLossProbe = false });
        var (c, _) = ConnectedPair.Open(h);
        h.DropRule = r => r.FromClient;
        int start = h.Wire.Count;
        h.Client.Send(c, new byte[100], h.Now);
        h.RunFor(Duration.FromSeconds(2000));
        var sends = h.Wire.Skip(start).Where(r => r.FromClient).ToList();
        Assert.Equal(16, sends.Count);   // the original and 15 retransmissions (tcp_retries2)
        var gaps = sends.Zip(sends.Skip(1), (a, b) => (b.Time - a.Time).TotalMilliseconds).ToArray();
        for (int i = 1; i < gaps.Length; i++)
            Assert.True(gaps[i] == Math.Min(gaps[i - 1] * 2, 120_000), $"gap {i}: {gaps[i]} after {gaps[i - 1]}");
        Assert.Equal(TcpState.Closed, h.Client.State(c));
        Assert.Equal(TcpError.TimedOut, h.Client.Error(c));
        Assert.Equal(15, h.Client.Counters.RetransSegs);
        h.Check();
    }

    [Fact]
    public void A_lone_small_segment_is_acked_after_the_delayed_ack_timeout_two_full_ones_at_once()
    {
        // The receiving application never reads here, so the ACK waits for the timer. The sender adds WCDelAckT to a lone
        // segment's probe timeout, as RFC 8985 §7.2 allows, so that no probe comes before that ACK (by default it would
        // probe once and learn: LoneTailProbeTests).
        var h = new TwoStacks(new TcpSettings { LossProbeLearnsAckDelay = false });
        var (c, s) = ConnectedPair.Open(h);
        h.RunFor(Duration.FromSeconds(1));
        int start = h.Wire.Count;
        h.Client.Send(c, new byte[10], h.Now);
        h.RunFor(Duration.FromSeconds(1));
        var seg = h.Wire[start];
        var ack = h.Wire[start + 1];
        Assert.False(ack.FromClient);
        Assert.Equal(40.0, (ack.Time - seg.Time).TotalMilliseconds - 10, 6);   // arrival at +10 ms, ACK 40 ms later

        start = h.Wire.Count;
        // Full-sized: 1,460 minus the 12 bytes of the RFC 7323 timestamps option every segment carries.
        h.Client.Send(c, new byte[2 * 1448], h.Now);
        h.RunFor(Duration.FromSeconds(1));
        var two = h.Wire.Skip(start).ToList();
        Assert.Equal(2, two.Count(r => r.FromClient && r.Length == 1448));
        var ack2 = two.Single(r => !r.FromClient);
        Assert.Equal(two.Last(r => r.FromClient).Time + Duration.FromMilliseconds(10), ack2.Time);
        h.Check();
    }

    [Fact]
    public void Nagle_holds_a_second_small_segment_until_the_first_is_acked_and_no_delay_does_not()
    {
        foreach (bool noDelay in new[] { false, true })
        {
            // As above: the receiver never reads and holds its ACK for the timer; no loss probe is to come before it.
            var h = new TwoStacks(new TcpSettings { LossProbeLearnsAckDelay = false });
            var (c, _) = ConnectedPair.Open(h);
            h.RunFor(Duration.FromSeconds(1));
            h.Client.SetNoDelay(c, noDelay);
            int start = h.Wire.Count;
            h.Client.Send(c, new byte[10], h.Now);
            h.RunFor(Duration.FromMilliseconds(1));
            h.Client.Send(c, new byte[10], h.Now);
            h.RunFor(Duration.FromSeconds(1));
            var data = h.Wire.Skip(start).Where(r => r.FromClient && r.Length > 0).ToList();
            Assert.Equal(2, data.Count);
            double gap = (data[1].Time - data[0].Time).TotalMilliseconds;
            if (noDelay)
                Assert.Equal(1.0, gap, 6);
            else
                Assert.True(gap >= 50, $"second segment after {gap} ms: Nagle should wait for the delayed ACK");
            h.Check();
        }
    }

    [Fact]
    public void Receiver_does_not_announce_a_tiny_window_opening()
    {
        var small = new TcpSettings { ReceiveBufferSize = 8000 };
        var h = new TwoStacks(TcpSettings.Default, small);
        var (c, s) = ConnectedPair.Open(h);
        h.Client.Send(c, new byte[20_000], h.Now);
        h.RunFor(Duration.FromSeconds(1));
        Assert.Equal(8000, h.Server.Available(s));
        int start = h.Wire.Count;
        var buf = new byte[100];
        h.Server.Receive(s, buf, h.Now);       // 100 bytes free: far below min(buffer/2, MSS)
        h.RunFor(Duration.FromMilliseconds(100));
        Assert.DoesNotContain(h.Wire.Skip(start), r => !r.FromClient && r.Window > 0);
        var big = new byte[4000];
        h.Server.Receive(s, big, h.Now);       // now 4,100 free: worth a window update
        h.RunFor(Duration.FromMilliseconds(5));
        Assert.Contains(h.Wire.Skip(start), r => !r.FromClient && r.Window >= 4000);
        h.Check();
    }

    private static string Fmt(TcpEvent e) => $"{e.Time} {e.Kind} {e.From}->{e.To} {e.Cause} {e.DropReason} {e.Timer} {e.Error} {(e.HasSegment ? $"{e.Segment.Flags} seq={e.Segment.Seq} ack={e.Segment.Ack} win={e.Segment.Window} len={e.Segment.PayloadLength}" : "")}";

    [Theory]
    [InlineData(2024UL)]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(4UL)]
    [InlineData(5UL)]
    [InlineData(6UL)]
    [InlineData(7UL)]
    public void Many_connections_over_a_lossy_duplicating_reordering_wire_deliver_every_byte_and_end_clean(ulong chaosSeed)
    {
        var h = new TwoStacks(seed: 77 + chaosSeed)
        {
            Chaos = new SplitMix64Random(chaosSeed),
            LossRate = 0.15,
            DuplicateRate = 0.05,
            Jitter = Duration.FromMilliseconds(15),
        };
        h.Server.Listen(80, backlog: 64);
        var rng = new SplitMix64Random(chaosSeed + 5);
        const int count = 24;
        var clients = new TcpHandle[count];
        var ids = new ConnectionId[count];
        var up = new byte[count][];
        var down = new byte[count][];
        var got = new List<byte>[count];
        var gotDown = new List<byte>[count];
        var servers = new Dictionary<ConnectionId, (TcpHandle H, int Sent, List<byte> Got)>();
        for (int i = 0; i < count; i++)
        {
            clients[i] = h.Client.Connect(TwoStacks.ServerAddress, 80, h.Now);
            ids[i] = h.Client.GetConnectionId(clients[i]);
            up[i] = ConnectedPair.Pattern((int)(rng.NextUInt64() % 60_000), i);
            down[i] = ConnectedPair.Pattern((int)(rng.NextUInt64() % 60_000), 1000 + i);
            got[i] = [];
            gotDown[i] = [];
        }
        var upSent = new int[count];
        var clientDone = new bool[count];
        var buf = new byte[16384];
        bool finished = h.RunUntil(() =>
        {
            while (h.Server.TryAccept(80, out var sh))
                servers[h.Server.GetConnectionId(sh)] = (sh, 0, []);
            for (int i = 0; i < count; i++)
            {
                var c = clients[i];
                if (h.Client.State(c) == TcpState.Closed || clientDone[i])
                    continue;
                if (upSent[i] < up[i].Length && h.Client.State(c) is TcpState.Established or TcpState.CloseWait)
                    upSent[i] += h.Client.Send(c, up[i].AsSpan(upSent[i]), h.Now);
                int n;
                while ((n = h.Client.Receive(c, buf, h.Now)) > 0)
                    gotDown[i].AddRange(buf.AsSpan(0, n).ToArray());
                if (upSent[i] == up[i].Length && h.Client.State(c) == TcpState.Established)
                    h.Client.Shutdown(c, h.Now);
                if (h.Client.IsReceiveComplete(c))
                {
                    h.Client.Close(c, h.Now);
                    clientDone[i] = true;
                }
            }
            foreach (var key in servers.Keys.ToList())
            {
                var (sh, sent, g) = servers[key];
                if (h.Server.State(sh) == TcpState.Closed)
                    continue;
                int idx = Array.FindIndex(ids, id => ConnectedPair.ServerSide(id) == key);
                int n;
                while ((n = h.Server.Receive(sh, buf, h.Now)) > 0)
                    g.AddRange(buf.AsSpan(0, n).ToArray());
                if (sent < down[idx].Length)
                    sent += h.Server.Send(sh, down[idx].AsSpan(sent), h.Now);
                if (sent == down[idx].Length && h.Server.State(sh) is TcpState.Established or TcpState.CloseWait && h.Server.IsReceiveComplete(sh))
                    h.Server.Close(sh, h.Now);
                servers[key] = (sh, sent, g);
            }
            return clientDone.All(d => d) && h.Client.ConnectionCount == 0 && h.Server.ConnectionCount == 0;
        }, h.Now + Duration.FromSeconds(3000));
        int bad = Math.Max(0, Array.FindIndex(clients, c => h.Client.Error(c) != TcpError.None));
        finished &= clients.All(c => h.Client.Error(c) == TcpError.None);
        Assert.True(finished, $"client conns {h.Client.ConnectionCount}, server conns {h.Server.ConnectionCount}, done {clientDone.Count(d => d)}\n"
            + string.Join("\n", Enumerable.Range(0, count).Select(i => $"{i}: {h.Client.State(clients[i])} {h.Client.Error(clients[i])} up {upSent[i]}/{up[i].Length} down {gotDown[i].Count}/{down[i].Length}"))
            + "\n" + string.Join("\n", servers.Select(kv => $"{kv.Key}: {h.Server.State(kv.Value.H)} got {kv.Value.Got.Count} sent {kv.Value.Sent}"))
            + "\nCLIENT\n" + string.Join("\n", h.ClientLog.Events.Where(e => e.Connection == ids[bad] && e.Kind != TcpEventKind.SegmentReceived).Where(e => e.Kind != TcpEventKind.SegmentSent || e.Segment.PayloadLength == 0 || true).TakeLast(45).Select(Fmt))
            + "\nSERVER\n" + string.Join("\n", h.ServerLog.Events.Where(e => e.Connection == ConnectedPair.ServerSide(ids[bad]) && e.Kind != TcpEventKind.SegmentReceived).Where(e => e.Kind != TcpEventKind.SegmentSent || e.Segment.PayloadLength == 0 || true).TakeLast(45).Select(Fmt)));
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(TcpError.None, h.Client.Error(clients[i]));
            Assert.Equal(SHA256.HashData(down[i]), SHA256.HashData(gotDown[i].ToArray()));
            var key = ConnectedPair.ServerSide(ids[i]);
            Assert.Equal(SHA256.HashData(up[i]), SHA256.HashData(servers[key].Got.ToArray()));
        }
        h.RunFor(Duration.FromSeconds(200));
        Assert.Equal(0, h.Client.TimeWaitCount + h.Server.TimeWaitCount + h.Client.ConnectionCount + h.Server.ConnectionCount);
        Assert.True(h.Client.Counters.RetransSegs + h.Server.Counters.RetransSegs > 0);
        h.Check();
    }
}
