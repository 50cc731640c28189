using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Stack;

/// <summary>
/// The ACK of a short segment once the application has read it (<see cref="TcpSettings.AckPushedOnRead"/>, Linux's
/// <c>ICSK_ACK_PUSHED</c>), and Nagle with Minshall's modification (a short segment waits only for an earlier short one).
/// Between them a write of any size is acknowledged one round trip after it was sent, where RFC 9293's plain rules
/// (Nagle holds the tail behind unacknowledged full segments; the receiver delays the ACK of a lone segment) make it
/// wait for the delayed-ACK timer.
/// </summary>
public sealed class PushedAckTests
{
    private static readonly Duration OneWay = Duration.FromMilliseconds(10);

    private static (TwoStacks H, TcpHandle C, TcpHandle S) Open(TcpSettings? settings = null)
    {
        var h = new TwoStacks(settings, settings) { Latency = OneWay };
        var (c, s) = ConnectedPair.Open(h);
        h.RunFor(Duration.FromSeconds(1));
        return (h, c, s);
    }

    /// <summary>Reads whatever the server has, as an application that reads at once would.</summary>
    private static int ReadAll(TwoStacks h, TcpHandle s)
    {
        var buffer = new byte[65536];
        int total = 0, n;
        while ((n = h.Server.Receive(s, buffer, h.Now)) > 0)
            total += n;
        return total;
    }

    [Fact]
    public void A_write_that_ends_in_a_short_segment_is_acknowledged_when_the_application_has_read_it()
    {
        var (h, c, s) = Open();
        int start = h.Wire.Count;
        // Two full segments and a short one, all sent at once (Minshall: no short segment was in flight).
        Assert.Equal(3000, h.Client.Send(c, ConnectedPair.Pattern(3000), h.Now));
        int read = 0;
        Assert.True(h.RunUntil(() => (read += ReadAll(h, s)) >= 3000, h.Now + Duration.FromSeconds(1)));
        h.RunFor(Duration.FromMilliseconds(200));
        var sent = h.Wire.Skip(start).ToList();
        var data = sent.Where(r => r.FromClient && r.Length > 0).ToList();
        Assert.Equal([1448, 1448, 104], data.Select(r => r.Length));
        Assert.All(data, r => Assert.Equal(data[0].Time, r.Time));
        // The ACK of everything leaves when the short segment arrives and is read, not 40 ms later.
        var last = sent.Single(r => !r.FromClient && r.Ack == data[^1].Seq + data[^1].Length);
        Assert.Equal(data[^1].Time + OneWay, last.Time);
        Assert.DoesNotContain(h.ServerLog.Of(TcpEventKind.TimerFired), e => e.Timer == TcpTimerKind.DelayedAck);
        Assert.Equal(0, h.Client.Counters.LossProbes);
        h.Check();
    }

    [Fact]
    public void Unread_a_short_segment_keeps_its_delayed_ack()
    {
        var (h, c, _) = Open(new TcpSettings { LossProbeLearnsAckDelay = false });
        int start = h.Wire.Count;
        h.Client.Send(c, ConnectedPair.Pattern(100), h.Now);
        h.RunFor(Duration.FromMilliseconds(200));
        var ack = h.Wire.Skip(start).Single(r => !r.FromClient);
        Assert.Equal(OneWay + TcpSettings.Default.DelayedAckTimeout, ack.Time - h.Wire[start].Time);
        h.Check();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_full_segment_and_a_short_one_read_at_once_are_acknowledged_on_arrival_only_with_the_setting(bool setting)
    {
        // 1448 + 104 bytes: less than two full segments, so RFC 9293 §3.8.6.3 alone lets the receiver wait.
        var settings = new TcpSettings { AckPushedOnRead = setting, LossProbeLearnsAckDelay = false };
        var (h, c, s) = Open(settings);
        Duration took = default;
        for (int round = 0; round < 2; round++) // the first read of a connection also reopens the window (an ACK either way)
        {
            int start = h.Wire.Count;
            h.Client.Send(c, ConnectedPair.Pattern(1552), h.Now);
            int read = 0;
            Assert.True(h.RunUntil(() => (read += ReadAll(h, s)) >= 1552, h.Now + Duration.FromSeconds(1)));
            h.RunFor(Duration.FromMilliseconds(200));
            var ack = h.Wire.Skip(start).First(r => !r.FromClient);
            took = ack.Time - h.Wire[start].Time;
        }
        Assert.Equal(setting ? OneWay : OneWay + settings.DelayedAckTimeout, took);
        h.Check();
    }

    [Fact]
    public void A_request_answered_with_data_makes_the_exchange_interactive_and_later_acks_ride_on_the_answers()
    {
        // The server answers each request 5 ms after reading it. The first time it has not yet answered anything, so the
        // ACK goes on the read; from then on it is interactive (Linux's ping-pong mode) and the ACK waits for the answer.
        var (h, c, s) = Open();
        var pureAcks = new List<int>();
        for (int round = 0; round < 3; round++)
        {
            int start = h.Wire.Count;
            h.Client.Send(c, ConnectedPair.Pattern(100), h.Now);
            int read = 0;
            Assert.True(h.RunUntil(() => (read += ReadAll(h, s)) >= 100, h.Now + Duration.FromSeconds(1)));
            h.RunFor(Duration.FromMilliseconds(5));
            h.Server.Send(s, ConnectedPair.Pattern(200), h.Now);
            h.RunFor(Duration.FromMilliseconds(100));
            var buffer = new byte[1000];
            while (h.Client.Receive(c, buffer, h.Now) > 0) { }
            h.RunFor(Duration.FromMilliseconds(100));
            pureAcks.Add(h.Wire.Skip(start).Count(r => !r.FromClient && r.Length == 0 && (r.Flags & TcpFlags.Fin) == 0));
        }
        Assert.Equal([1, 0, 0], pureAcks);
        h.Check();
    }

    [Fact]
    public void A_delayed_ack_timeout_ends_the_interactive_exchange()
    {
        // Once a request goes unanswered for the delayed-ACK time, the exchange is no longer taken as interactive, and the
        // next short segment is acknowledged when read. (The sender adds WCDelAckT to its lone segments here: this test is
        // about the receiver, whose held ACK would otherwise draw one needless probe, LoneTailProbeTests.)
        var (h, c, s) = Open(new TcpSettings { LossProbeLearnsAckDelay = false });
        h.Client.Send(c, ConnectedPair.Pattern(100), h.Now);
        h.RunFor(Duration.FromMilliseconds(15));
        ReadAll(h, s);
        h.Server.Send(s, ConnectedPair.Pattern(200), h.Now); // an answer: interactive from here
        h.RunFor(Duration.FromMilliseconds(100));
        int start = h.Wire.Count;
        h.Client.Send(c, ConnectedPair.Pattern(100), h.Now);
        h.RunFor(Duration.FromMilliseconds(15));
        ReadAll(h, s);
        h.RunFor(Duration.FromMilliseconds(100)); // no answer: the timer sends the ACK
        var first = h.Wire.Skip(start).Single(r => !r.FromClient);
        Assert.Equal(OneWay + TcpSettings.Default.DelayedAckTimeout, first.Time - h.Wire[start].Time);
        start = h.Wire.Count;
        h.Client.Send(c, ConnectedPair.Pattern(100), h.Now);
        h.RunFor(Duration.FromMilliseconds(15));
        ReadAll(h, s);
        h.RunFor(Duration.FromMilliseconds(100));
        var second = h.Wire.Skip(start).Single(r => !r.FromClient);
        Assert.Equal(Duration.FromMilliseconds(15), second.Time - h.Wire[start].Time); // when read, 5 ms after it arrived
        h.Check();
    }

    [Fact]
    public void Nagle_holds_a_short_segment_only_while_an_earlier_short_segment_is_unacknowledged()
    {
        // Minshall's modification: 1448 + 552 go together; 100 more bytes written at once wait for the ACK of the 552.
        var (h, c, s) = Open();
        int start = h.Wire.Count;
        h.Client.Send(c, ConnectedPair.Pattern(2000), h.Now);
        h.RunFor(Duration.FromMilliseconds(1));
        h.Client.Send(c, ConnectedPair.Pattern(100), h.Now);
        int read = 0;
        Assert.True(h.RunUntil(() => (read += ReadAll(h, s)) >= 2100, h.Now + Duration.FromSeconds(1)));
        h.RunFor(Duration.FromMilliseconds(100));
        var data = h.Wire.Skip(start).Where(r => r.FromClient && r.Length > 0).ToList();
        Assert.Equal([1448, 552, 100], data.Select(r => r.Length));
        Assert.Equal(data[0].Time, data[1].Time);
        var ackOfShort = h.Wire.Skip(start).First(r => !r.FromClient && r.Ack >= data[1].Seq + data[1].Length);
        Assert.Equal(ackOfShort.Time + OneWay, data[2].Time);
        h.Check();
    }
}
