using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Stack;

public sealed class LifecycleTests
{
    private static readonly Duration TwoMsl = Duration.FromSeconds(60);

    [Fact]
    public void Data_flows_both_ways_intact()
    {
        var h = new TwoStacks();
        var (c, s) = ConnectedPair.Open(h);
        var up = ConnectedPair.Pattern(200_000, 1);
        var down = ConnectedPair.Pattern(150_000, 2);
        Assert.Equal(up, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, up, Duration.FromSeconds(30)));
        Assert.Equal(down, ConnectedPair.Transfer(h, h.Server, s, h.Client, c, down, Duration.FromSeconds(30)));
        Assert.All(h.Wire, r => Assert.True(r.Length <= 1460));
        Assert.Equal(0, h.Client.Counters.RetransSegs);
        h.Check();
    }

    [Fact]
    public void Ipv6_connection_announces_mtu_minus_60_and_carries_data()
    {
        var a = IpAddress.Parse("fd00::1");
        var b = IpAddress.Parse("fd00::2");
        var h = new TwoStacks(clientAddress: a, serverAddress: b);
        h.Server.Listen(443);
        var c = h.Client.Connect(b, 443, h.Now);
        TcpSynAckHandle(h, out var s);
        Assert.Equal(1440, h.Wire[0].Options.Mss);
        var data = ConnectedPair.Pattern(50_000);
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, data, Duration.FromSeconds(10)));
        Assert.All(h.Wire, r => Assert.True(r.Length <= 1440));
        h.Check();

        static void TcpSynAckHandle(TwoStacks h, out SynAck.Stack.TcpHandle s)
        {
            SynAck.Stack.TcpHandle got = default;
            Assert.True(h.RunUntil(() => h.Server.TryAccept(443, out got), h.Now + Duration.FromSeconds(1)));
            s = got;
        }
    }

    [Fact]
    public void Four_way_close_active_closer_holds_time_wait_exactly_two_msl()
    {
        var h = new TwoStacks();
        var (c, s) = ConnectedPair.Open(h);
        var id = h.Client.GetConnectionId(c);
        int before = h.Wire.Count;

        h.Client.Close(c, h.Now);
        Assert.True(h.RunUntil(() => h.Server.IsReceiveComplete(s), h.Now + Duration.FromSeconds(1)));
        Assert.Equal(TcpState.CloseWait, h.Server.State(s));
        h.Server.Close(s, h.Now);
        Instant enteredTimeWait = default;
        Assert.True(h.RunUntil(() => h.Client.TimeWaitCount == 1, h.Now + Duration.FromSeconds(1)));
        enteredTimeWait = h.ClientLog.Transitions(id).Single(t => t.To == TcpState.TimeWait).Time;
        h.RunFor(Duration.FromSeconds(120));

        var close = h.Wire.Skip(before).ToList();
        Assert.Equal(4, close.Count);
        Assert.True(close[0].FromClient && close[0].Has(TcpFlags.Fin | TcpFlags.Ack));
        Assert.True(!close[1].FromClient && close[1].Flags == TcpFlags.Ack && close[1].Ack == close[0].Seq + 1);
        Assert.True(!close[2].FromClient && close[2].Has(TcpFlags.Fin | TcpFlags.Ack));
        Assert.True(close[3].FromClient && close[3].Flags == TcpFlags.Ack && close[3].Ack == close[2].Seq + 1);

        Assert.Equal([TcpState.Established, TcpState.FinWait1, TcpState.FinWait2, TcpState.TimeWait, TcpState.Closed], h.ClientLog.States(id)[2..]);
        var expired = h.ClientLog.Transitions(id).Last();
        Assert.Equal((TcpState.Closed, TcpTransitionCause.TimeWaitExpired), (expired.To, expired.Cause));
        Assert.Equal(TwoMsl, expired.Time - enteredTimeWait);
        Assert.Equal([TcpState.Established, TcpState.CloseWait, TcpState.LastAck, TcpState.Closed], h.ServerLog.States(ConnectedPair.ServerSide(id))[2..]);
        Assert.Equal(0, h.Client.ConnectionCount + h.Client.TimeWaitCount + h.Server.ConnectionCount + h.Server.TimeWaitCount);
        h.Check();
    }

    [Fact]
    public void Half_close_lets_the_passive_side_keep_sending_after_the_clients_fin()
    {
        var h = new TwoStacks();
        var (c, s) = ConnectedPair.Open(h);
        h.Client.Shutdown(c, h.Now);
        Assert.True(h.RunUntil(() => h.Client.State(c) == TcpState.FinWait2, h.Now + Duration.FromSeconds(1)));
        Assert.True(h.Server.IsReceiveComplete(s));
        var data = ConnectedPair.Pattern(2000);
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Server, s, h.Client, c, data, Duration.FromSeconds(5)));
        h.Server.Close(s, h.Now);
        Assert.True(h.RunUntil(() => h.Client.IsReceiveComplete(c), h.Now + Duration.FromSeconds(1)));
        Assert.Equal(TcpState.TimeWait, h.Client.State(c));
        h.Check();
    }

    [Fact]
    public void Simultaneous_close_goes_through_closing_on_both_sides()
    {
        var h = new TwoStacks();
        var (c, s) = ConnectedPair.Open(h);
        var id = h.Client.GetConnectionId(c);
        h.Client.Close(c, h.Now);
        h.Server.Close(s, h.Now);
        h.RunFor(Duration.FromSeconds(1));
        Assert.Equal([TcpState.Established, TcpState.FinWait1, TcpState.Closing, TcpState.TimeWait], h.ClientLog.States(id)[2..]);
        Assert.Equal([TcpState.Established, TcpState.FinWait1, TcpState.Closing, TcpState.TimeWait], h.ServerLog.States(ConnectedPair.ServerSide(id))[2..]);
        h.RunFor(TwoMsl);
        Assert.Equal(0, h.Client.TimeWaitCount + h.Server.TimeWaitCount);
        h.Check();
    }

    [Fact]
    public void Simultaneous_open_sends_four_segments_and_both_pass_syn_received()
    {
        var h = new TwoStacks();
        var c = h.Client.Connect(TwoStacks.ServerAddress, 5000, h.Now, localPort: 4000);
        var s = h.Server.Connect(TwoStacks.ClientAddress, 4000, h.Now, localPort: 5000);
        Assert.True(h.RunUntil(() => h.Client.State(c) == TcpState.Established && h.Server.State(s) == TcpState.Established, h.Now + Duration.FromSeconds(1)));
        h.RunFor(Duration.FromSeconds(1));
        Assert.Equal([TcpState.Closed, TcpState.SynSent, TcpState.SynReceived, TcpState.Established], h.ClientLog.States(h.Client.GetConnectionId(c)));
        Assert.Equal([TcpState.Closed, TcpState.SynSent, TcpState.SynReceived, TcpState.Established], h.ServerLog.States(h.Server.GetConnectionId(s)));
        Assert.Equal(4, h.Wire.Count);
        Assert.Equal(2, h.Wire.Count(r => r.Flags == TcpFlags.Syn));
        Assert.Equal(2, h.Wire.Count(r => r.Flags == (TcpFlags.Syn | TcpFlags.Ack)));
        h.Check();
    }

    [Fact]
    public void Syn_is_retransmitted_after_1_2_4_seconds_and_the_connect_times_out_after_the_retries()
    {
        var h = new TwoStacks { DropRule = r => r.FromClient };
        h.Server.Listen(80);
        var c = h.Client.Connect(TwoStacks.ServerAddress, 80, h.Now);
        h.RunFor(Duration.FromSeconds(300));
        var syns = h.Wire.Where(r => r.FromClient).Select(r => r.Time.TotalSeconds).ToArray();
        Assert.Equal([0, 1, 3, 7, 15, 31, 63], syns);
        Assert.Equal(TcpState.Closed, h.Client.State(c));
        Assert.Equal(TcpError.TimedOut, h.Client.Error(c));
        var last = h.ClientLog.Transitions(h.Client.GetConnectionId(c)).Last();
        Assert.Equal(127.0, last.Time.TotalSeconds);
        Assert.Equal(TcpTransitionCause.Timeout, last.Cause);
        Assert.Equal(1, h.Client.Counters.AttemptFails);
        Assert.Equal(6, h.Client.Counters.RetransSegs);
        h.Check();
    }

    [Fact]
    public void Connection_succeeds_on_the_syn_that_gets_through()
    {
        int synCount = 0;
        var h = new TwoStacks(new TcpSettings { Timestamps = false }) { DropRule = r => r.FromClient && r.Has(TcpFlags.Syn) && ++synCount <= 2 };
        var (c, _) = ConnectedPair.Open(h);
        Assert.Equal(TcpState.Established, h.Client.State(c));
        Assert.Equal(3.0, h.Wire.Last(r => r.Flags == TcpFlags.Syn).Time.TotalSeconds);
        // RFC 6298 §5.7: the SYN timed out and no RTT sample exists (Karn), so data starts with RTO = 3 s.
        var id = h.Client.GetConnectionId(c);
        Assert.True(h.Client.TryGetConnection(id, out var conn));
        Assert.Equal(Duration.FromSeconds(3), conn.Rtt.Rto);
        h.Check();
    }

    [Fact]
    public void With_timestamps_the_syn_ack_echo_is_an_rtt_sample_even_after_syn_retransmissions()
    {
        int synCount = 0;
        var h = new TwoStacks { DropRule = r => r.FromClient && r.Has(TcpFlags.Syn) && ++synCount <= 2 };
        var (c, _) = ConnectedPair.Open(h);
        Assert.True(h.Client.TryGetConnection(h.Client.GetConnectionId(c), out var conn));
        // RFC 7323 §4.1: the SYN-ACK echoes the TSval of the SYN that got through, so the sample is unambiguous
        // (Karn's rule and RFC 6298 §5.7's 3 s fallback are for connections without timestamps).
        Assert.True(conn.Rtt.HasSample);
        Assert.Equal(Duration.FromMilliseconds(20), conn.Rtt.Srtt);
        // One sample: RTTVAR = 10 ms, so RTO = SRTT + max(4·RTTVAR, MinRto) = 220 ms (as Linux).
        Assert.Equal(Duration.FromMilliseconds(220), conn.Rtt.Rto);
        h.Check();
    }

    [Fact]
    public void Connect_to_a_port_without_listener_is_refused()
    {
        var h = new TwoStacks();
        var c = h.Client.Connect(TwoStacks.ServerAddress, 81, h.Now);
        h.RunFor(Duration.FromSeconds(1));
        Assert.Equal(TcpState.Closed, h.Client.State(c));
        Assert.Equal(TcpError.Refused, h.Client.Error(c));
        var rst = h.Wire[1];
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, rst.Flags);
        Assert.Equal(0u, rst.Seq.Value);
        Assert.Equal(h.Wire[0].Seq + 1, rst.Ack);
        Assert.Equal(1, h.Server.Counters.OutRsts);
        Assert.Equal(1, h.Server.Counters.Drops(TcpDropReason.NoConnection));
        h.Check();
    }

    [Fact]
    public void Abort_sends_one_rst_and_the_peer_sees_connection_reset_without_time_wait()
    {
        var h = new TwoStacks();
        var (c, s) = ConnectedPair.Open(h);
        int before = h.Wire.Count;
        h.Server.Abort(s, h.Now);
        Assert.Equal(0, h.Server.ConnectionCount);
        h.RunFor(Duration.FromSeconds(1));
        var after = h.Wire.Skip(before).ToList();
        Assert.Single(after);
        Assert.Equal(TcpFlags.Rst, after[0].Flags);
        Assert.Equal(TcpState.Closed, h.Client.State(c));
        Assert.Equal(TcpError.Reset, h.Client.Error(c));
        Assert.Equal(0, h.Server.TimeWaitCount + h.Client.TimeWaitCount);
        Assert.Equal(1, h.Client.Counters.EstabResets);
        h.Check();
    }

    [Fact]
    public void Close_with_unread_data_sends_rst_instead_of_fin()
    {
        var h = new TwoStacks();
        var (c, s) = ConnectedPair.Open(h);
        h.Client.Send(c, new byte[100], h.Now);
        Assert.True(h.RunUntil(() => h.Server.Available(s) == 100, h.Now + Duration.FromSeconds(1)));
        int before = h.Wire.Count;
        h.Server.Close(s, h.Now);
        h.RunFor(Duration.FromSeconds(1));
        var seg = h.Wire.Skip(before).First();
        Assert.True(seg.Has(TcpFlags.Rst));
        Assert.False(seg.Has(TcpFlags.Fin));
        Assert.Equal(TcpError.Reset, h.Client.Error(c));
        h.Check();
    }

    [Fact]
    public void Lost_final_ack_server_retransmits_fin_and_time_wait_re_acks_and_restarts_two_msl()
    {
        int finalAcks = 0;
        var h = new TwoStacks();
        var (c, s) = ConnectedPair.Open(h);
        var id = h.Client.GetConnectionId(c);
        h.Client.Close(c, h.Now);
        Assert.True(h.RunUntil(() => h.Server.State(s) == TcpState.CloseWait, h.Now + Duration.FromSeconds(1)));
        h.DropRule = r => r.FromClient && r.Flags == TcpFlags.Ack && ++finalAcks == 1;
        h.Server.Close(s, h.Now);
        h.RunFor(Duration.FromSeconds(5));
        var fins = h.Wire.Where(r => !r.FromClient && r.Has(TcpFlags.Fin)).ToList();
        Assert.Equal(2, fins.Count);
        Assert.Equal(TcpState.Closed, h.Server.State(s));
        Assert.Equal(TcpError.None, h.Server.Error(s));
        // TIME-WAIT restarted on the retransmitted FIN: 2MSL from its arrival, not from the first FIN.
        var reAck = h.Wire.Last(r => r.FromClient);
        Assert.Equal(fins[1].Seq + 1, reAck.Ack);
        h.RunUntil(() => h.Client.TimeWaitCount == 0, h.Now + Duration.FromSeconds(200));
        var expired = h.ClientLog.Transitions(id).Last();
        Assert.Equal(TcpTransitionCause.TimeWaitExpired, expired.Cause);
        Assert.Equal(TwoMsl, expired.Time - reAck.Time);
        h.Check();
    }

    [Fact]
    public void Without_time_wait_demo_the_retransmitted_fin_meets_rst_and_the_server_close_ends_in_reset()
    {
        int finalAcks = 0;
        var settings = new TcpSettings { DemoSkipTimeWait = true };
        var h = new TwoStacks(settings, TcpSettings.Default);
        var (c, s) = ConnectedPair.Open(h);
        h.Client.Close(c, h.Now);
        Assert.True(h.RunUntil(() => h.Server.State(s) == TcpState.CloseWait, h.Now + Duration.FromSeconds(1)));
        h.DropRule = r => r.FromClient && r.Flags == TcpFlags.Ack && ++finalAcks == 1;
        h.Server.Close(s, h.Now);
        h.RunFor(Duration.FromSeconds(5));
        Assert.Equal(0, h.Client.TimeWaitCount);
        Assert.Contains(h.Wire, r => r.FromClient && r.Has(TcpFlags.Rst));
        Assert.Contains(h.ServerLog.Events, e => e.Kind == TcpEventKind.ConnectionError && e.Error == TcpError.Reset);
        Assert.Contains(h.ClientChecker.Seen, t => TcpStateTable.IsDemonstrationOnly(t.Transition));
        h.Check();
    }

    [Fact]
    public void Bulk_transfer_survives_random_loss_with_retransmissions()
    {
        var rng = new SplitMix64Random(42);
        var h = new TwoStacks { DropRule = _ => rng.NextUInt64() % 10 == 0 };
        var (c, s) = ConnectedPair.Open(h);
        var data = ConnectedPair.Pattern(300_000, 3);
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, data, Duration.FromSeconds(600)));
        Assert.True(h.Client.Counters.RetransSegs > 0);
        h.Client.Close(c, h.Now);
        h.Server.Close(s, h.Now);
        h.RunFor(Duration.FromSeconds(400));
        Assert.Equal(0, h.Client.ConnectionCount + h.Server.ConnectionCount + h.Client.TimeWaitCount + h.Server.TimeWaitCount);
        h.Check();
    }

    [Fact]
    public void Zero_window_is_probed_and_transfer_resumes_when_the_reader_reads()
    {
        var small = new TcpSettings { ReceiveBufferSize = 4096 };
        var h = new TwoStacks(TcpSettings.Default, small);
        var (c, s) = ConnectedPair.Open(h);
        var data = ConnectedPair.Pattern(20_000);
        int sent = h.Client.Send(c, data, h.Now);
        h.RunFor(Duration.FromSeconds(10));
        Assert.Equal(4096, h.Server.Available(s));
        Assert.Contains(h.Wire, r => !r.FromClient && r.Window == 0);
        Assert.Contains(h.ClientLog.Events, e => e.Kind == TcpEventKind.TimerFired && e.Timer == TcpTimerKind.Persist);
        var buf = new byte[data.Length];
        int got = 0;
        Assert.True(h.RunUntil(() =>
        {
            if (sent < data.Length)
                sent += h.Client.Send(c, data.AsSpan(sent), h.Now);
            got += h.Server.Receive(s, buf.AsSpan(got), h.Now);
            return got == data.Length;
        }, h.Now + Duration.FromSeconds(120)));
        Assert.Equal(data, buf);
        Assert.Equal(TcpState.Established, h.Client.State(c));
        h.Check();
    }
}
