using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>Keep-alive (RFC 1122 §4.2.3.6) and the user timeout (RFC 5482), on the virtual clock with crafted segments.</summary>
public sealed class KeepAliveTests
{
    private static readonly Duration Idle = Duration.FromSeconds(10);
    private static readonly Duration Interval = Duration.FromSeconds(2);

    private static TcpSettings KeepAliveSettings(int probes = 3, Duration userTimeout = default) => new()
    {
        KeepAlive = true,
        KeepAliveIdle = Idle,
        KeepAliveInterval = Interval,
        KeepAliveProbes = probes,
        UserTimeout = userTimeout,
    };

    /// <summary>Moves to the next deadline, checking that nothing goes out a nanosecond earlier; returns what was sent then.</summary>
    private static List<SegmentRecord> RunToNextDeadline(CraftedPeer p, Instant expected)
    {
        Assert.Equal(expected, p.Stack.NextDeadline);
        p.Now = expected - new Duration(1);
        Assert.Empty(p.Poll());
        p.Now = expected;
        return p.Poll();
    }

    private static void AssertProbe(CraftedPeer p, SegmentRecord probe)
    {
        // <SEQ=SND.UNA−1><ACK=RCV.NXT><CTL=ACK>, no data: just left of the peer's window, so it must be answered.
        Assert.Equal(TcpFlags.Ack, probe.Flags);
        Assert.Equal(p.LocalIss, probe.Seq);
        Assert.Equal(p.PeerNxt, probe.Ack);
        Assert.Equal(0, probe.Length);
    }

    [Fact]
    public void Keep_alive_is_off_by_default()
    {
        var p = new CraftedPeer();
        p.ToEstablished();
        Assert.Equal(Instant.MaxValue, p.Stack.NextDeadline);
        p.Now += Duration.FromSeconds(3 * 3600);
        Assert.Empty(p.Poll());
        Assert.Equal(TcpState.Established, p.State);
        Assert.Equal(0, p.Stack.Counters.KeepAliveProbes);
    }

    [Fact]
    public void Probes_go_at_the_idle_time_then_every_interval_and_a_dead_peer_ends_the_connection_with_timed_out()
    {
        var p = new CraftedPeer(KeepAliveSettings(probes: 3));
        p.ToEstablished();
        var heard = p.Now;
        for (int i = 0; i < 3; i++)
            AssertProbe(p, RunToNextDeadline(p, heard + Idle + Interval * i).Single());
        Assert.Equal(3, p.Stack.Counters.KeepAliveProbes);
        Assert.Equal(TcpState.Established, p.State);

        // The third probe went unanswered for one more interval: the peer is dead.
        var last = RunToNextDeadline(p, heard + Idle + Interval * 3).Single();
        Assert.True(last.Has(TcpFlags.Rst));
        Assert.Equal(TcpState.Closed, p.State);
        Assert.Equal(TcpError.TimedOut, p.Stack.Error(p.Handle));
        Assert.Equal(3, p.Stack.Counters.KeepAliveProbes);
        var fired = p.Log.Of(TcpEventKind.TimerFired).Where(e => e.Timer == TcpTimerKind.KeepAlive).Select(e => e.Time).ToList();
        Assert.Equal([heard + Idle, heard + Idle + Interval, heard + Idle + Interval * 2, heard + Idle + Interval * 3], fired);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void A_peer_that_answers_keeps_the_connection_and_each_answer_restarts_the_idle_time()
    {
        var p = new CraftedPeer(KeepAliveSettings(probes: 1));
        p.ToEstablished();
        var heard = p.Now;
        for (int round = 0; round < 10; round++)
        {
            // Answer the first probe straight away, or the second one after an interval.
            var probe = RunToNextDeadline(p, heard + Idle).Single();
            AssertProbe(p, probe);
            if (round % 2 == 1)
                p.Now += Duration.FromMilliseconds(1500);
            p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 1);
            Assert.Empty(p.Poll());
            heard = p.Now;
        }
        Assert.Equal(TcpState.Established, p.State);
        Assert.Equal(TcpError.None, p.Stack.Error(p.Handle));
        Assert.Equal(10, p.Stack.Counters.KeepAliveProbes);
    }

    [Fact]
    public void Traffic_from_the_peer_postpones_the_first_probe()
    {
        var p = new CraftedPeer(KeepAliveSettings());
        p.ToEstablished();
        p.Now += Duration.FromSeconds(7);
        p.Deliver(TcpFlags.Ack | TcpFlags.Psh, p.PeerNxt, p.LocalIss + 1, payloadLength: 10);
        p.PeerNxt += 10;
        var heard = p.Now;
        // The old deadline (10 s after the handshake) finds the connection busy and re-arms from the data.
        var sent = RunToNextDeadline(p, heard + p.Stack.Settings.DelayedAckTimeout);
        Assert.Equal(p.PeerNxt, sent.Single().Ack);
        p.Now = heard + Idle - new Duration(1);
        Assert.Empty(p.Poll());
        p.Now = heard + Idle;
        AssertProbe(p, p.Poll().Single());
    }

    [Fact]
    public void A_challenged_rst_does_not_count_as_hearing_from_the_peer()
    {
        // Only a segment that passes the sequence, RST and SYN checks shows the peer alive; a blind in-window RST
        // (RFC 5961 §3.2) must not keep a dead connection open.
        var p = new CraftedPeer(KeepAliveSettings());
        p.ToEstablished();
        var heard = p.Now;
        p.Now += Duration.FromSeconds(5);
        p.Deliver(TcpFlags.Rst, p.PeerNxt + 10, default);
        Assert.Equal(TcpFlags.Ack, p.Poll().Single().Flags);   // the challenge ACK
        AssertProbe(p, RunToNextDeadline(p, heard + Idle).Single());
    }

    [Fact]
    public void Keep_alive_is_switched_on_per_connection_with_its_own_times()
    {
        var p = new CraftedPeer();
        p.ToEstablished();
        var heard = p.Now;
        p.Now += Duration.FromSeconds(1);
        p.Stack.SetKeepAlive(p.Handle, Duration.FromSeconds(5), Duration.FromSeconds(1), 2, p.Now);
        AssertProbe(p, RunToNextDeadline(p, heard + Duration.FromSeconds(5)).Single());
        AssertProbe(p, RunToNextDeadline(p, heard + Duration.FromSeconds(6)).Single());
        Assert.True(RunToNextDeadline(p, heard + Duration.FromSeconds(7)).Single().Has(TcpFlags.Rst));
        Assert.Equal(TcpError.TimedOut, p.Stack.Error(p.Handle));

        var q = new CraftedPeer(KeepAliveSettings());
        q.ToEstablished();
        q.Stack.SetKeepAlive(q.Handle, false, q.Now);
        Assert.Equal(Instant.MaxValue, q.Stack.NextDeadline);
    }

    [Fact]
    public void No_probe_while_data_is_outstanding()
    {
        // The retransmission timer watches the peer then; keep-alive waits for the idle connection.
        var p = new CraftedPeer(KeepAliveSettings());
        p.ToEstablished();
        var heard = p.Now;
        p.Stack.Send(p.Handle, new byte[100], p.Now);
        Assert.Single(p.Poll());
        while (p.Stack.NextDeadline <= heard + Idle)
        {
            p.Now = p.Stack.NextDeadline;
            foreach (var s in p.Poll())
                Assert.Equal(100, s.Length);   // retransmissions only, no probe
        }
        Assert.Equal(0, p.Stack.Counters.KeepAliveProbes);
    }

    [Fact]
    public void User_timeout_ends_a_connection_whose_data_stays_unacknowledged()
    {
        var timeout = Duration.FromSeconds(3);
        var p = new CraftedPeer(new TcpSettings { UserTimeout = timeout });
        p.ToEstablished();
        p.Stack.Send(p.Handle, new byte[100], p.Now);
        Assert.Single(p.Poll());
        var sentAt = p.Now;
        int retransmissions = 0;
        while (p.State == TcpState.Established)
        {
            p.Now = p.Stack.NextDeadline;
            retransmissions += p.Poll().Count(s => s.Length == 100);
        }
        Assert.Equal(sentAt + timeout, p.Now);
        Assert.True(retransmissions >= 2, $"{retransmissions} retransmissions");
        Assert.Equal(TcpState.Closed, p.State);
        Assert.Equal(TcpError.TimedOut, p.Stack.Error(p.Handle));
        Assert.Contains(p.Log.Of(TcpEventKind.TimerFired), e => e.Timer == TcpTimerKind.UserTimeout && e.Time == sentAt + timeout);
        p.Checker.ThrowIfViolated();
    }

    [Fact]
    public void User_timeout_restarts_when_the_peer_acknowledges_something()
    {
        var timeout = Duration.FromSeconds(3);
        var p = new CraftedPeer(new TcpSettings { UserTimeout = timeout, Nagle = false });
        p.ToEstablished();
        p.Stack.Send(p.Handle, new byte[100], p.Now);
        p.Stack.Send(p.Handle, new byte[100], p.Now);
        Assert.NotEmpty(p.Poll());
        p.Now += Duration.FromSeconds(2);
        p.Deliver(TcpFlags.Ack, p.PeerNxt, p.LocalIss + 101);
        var ackedAt = p.Now;
        p.Poll();
        while (p.State == TcpState.Established)
        {
            p.Now = p.Stack.NextDeadline;
            p.Poll();
        }
        Assert.Equal(ackedAt + timeout, p.Now);
        Assert.Equal(TcpError.TimedOut, p.Stack.Error(p.Handle));
    }

    [Fact]
    public void User_timeout_set_per_connection_bounds_a_connect()
    {
        var p = new CraftedPeer();
        p.ToSynSent();
        var synAt = p.Now;
        p.Stack.SetUserTimeout(p.Handle, Duration.FromMilliseconds(2500), p.Now);
        while (p.State == TcpState.SynSent)
        {
            p.Now = p.Stack.NextDeadline;
            p.Poll();
        }
        Assert.Equal(synAt + Duration.FromMilliseconds(2500), p.Now);
        Assert.Equal(TcpError.TimedOut, p.Stack.Error(p.Handle));
    }

    [Fact]
    public void User_timeout_bounds_keep_alive_probing()
    {
        // As Linux: with a user timeout, probes go on until the peer has been silent that long (and one went unanswered).
        var p = new CraftedPeer(KeepAliveSettings(probes: 100, userTimeout: Duration.FromSeconds(15)));
        p.ToEstablished();
        var heard = p.Now;
        while (p.State == TcpState.Established)
        {
            p.Now = p.Stack.NextDeadline;
            p.Poll();
        }
        // Probes at 10, 12, 14 s; at 16 s the peer has been silent 16 s ≥ 15 s.
        Assert.Equal(heard + Duration.FromSeconds(16), p.Now);
        Assert.Equal(3, p.Stack.Counters.KeepAliveProbes);
        Assert.Equal(TcpError.TimedOut, p.Stack.Error(p.Handle));
    }
}
