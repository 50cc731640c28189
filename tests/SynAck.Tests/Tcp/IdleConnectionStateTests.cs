using SynAck.Tcp;
using SynAck.Tcp.Congestion;
using SynAck.Time;

namespace SynAck.Tests.Tcp;

/// <summary>
/// What a connection that has only done its handshake holds: none of the state made on first use (congestion
/// controller, recovery state, seldom timers), yet it reads as if they were there; each is made by what needs it.
/// </summary>
public sealed class IdleConnectionStateTests
{
    [Fact]
    public void An_established_connection_that_sent_nothing_holds_no_lazily_made_state()
    {
        var p = new CraftedPeer();
        p.ToEstablished();
        p.Advance(Duration.FromSeconds(5));
        p.Poll();
        var c = p.Connection;
        Assert.Equal((false, false, false), c.LazyStateMade);
        // Read before the controller exists, cwnd and ssthresh are a fresh controller's (RFC 6928 IW, RFC 5681 §3.1).
        Assert.Equal(CongestionControl.InitialWindow(c.SndMss), c.Cwnd);
        Assert.Equal(int.MaxValue, c.Ssthresh);
        Assert.False(c.KeepAlive);
    }

    [Fact]
    public void Sending_data_makes_the_congestion_controller_with_the_window_the_connection_read_before()
    {
        var p = new CraftedPeer();
        p.ToEstablished();
        var c = p.Connection;
        int before = c.Cwnd;
        p.Stack.Send(p.Handle, new byte[1000], p.Now);
        var sent = p.Poll();
        Assert.Equal(1000, sent.Single().Length);
        Assert.True(c.LazyStateMade.Congestion);
        Assert.Equal(before, c.Congestion.Cwnd);
        Assert.Equal(CongestionAlgorithm.Cubic, c.Congestion.Algorithm);
    }

    [Fact]
    public void Switching_keep_alive_on_makes_the_seldom_timers_and_arms_the_probe()
    {
        var p = new CraftedPeer();
        p.ToEstablished();
        p.Stack.SetKeepAlive(p.Handle, Duration.FromSeconds(10), Duration.FromSeconds(2), 3, p.Now);
        Assert.True(p.Connection.LazyStateMade.SeldomTimers);
        Assert.Equal(p.Now + Duration.FromSeconds(10), p.Stack.NextDeadline);
    }
}
