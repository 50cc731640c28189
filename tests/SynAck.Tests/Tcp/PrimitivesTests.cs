using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

public sealed class PrimitivesTests
{
    private static readonly byte[] s_key = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();

    [Fact]
    public void SipHash_2_4_matches_the_reference_vectors()
    {
        var f = SipHash.FromKey(s_key);
        Assert.Equal(0x726fdb47dd0e0e31UL, f.Hash([]));
        Assert.Equal(0xa129ca6149be45e5UL, f.Hash(Enumerable.Range(0, 15).Select(i => (byte)i).ToArray()));
    }

    [Fact]
    public void Isn_is_keyed_by_the_4_tuple_and_climbs_with_a_4_microsecond_clock()
    {
        var isn = new IsnGenerator(SipHash.FromKey(s_key));
        var a = new ConnectionId(IpAddress.V4(10, 0, 0, 1), 40000, IpAddress.V4(10, 0, 0, 2), 80);
        var b = a with { LocalPort = 40001 };
        var t = Instant.FromMilliseconds(5);
        Assert.Equal(isn.Next(a, t), isn.Next(a, t));
        Assert.NotEqual(isn.Next(a, t), isn.Next(b, t));
        Assert.Equal(250, isn.Next(a, t + Duration.FromMilliseconds(1)) - isn.Next(a, t));
        var other = new IsnGenerator(new SipHash(1, 2));
        Assert.NotEqual(isn.Next(a, t), other.Next(a, t));
    }

    [Fact]
    public void Ephemeral_ports_are_deterministic_in_range_and_skip_ports_in_use()
    {
        ushort Pick(HashSet<ushort> used, EphemeralPorts p)
            => p.Select(IpAddress.V4(1, 1, 1, 1), IpAddress.V4(2, 2, 2, 2), 80, used, static (u, port) => u.Contains(port));
        var p1 = new EphemeralPorts(new SipHash(1, 2), new SipHash(3, 4), 32768, 60999);
        var p2 = new EphemeralPorts(new SipHash(1, 2), new SipHash(3, 4), 32768, 60999);
        var used = new HashSet<ushort>();
        for (int i = 0; i < 100; i++)
        {
            ushort port = Pick(used, p1);
            Assert.Equal(port, Pick([.. used], p2));
            Assert.InRange(port, 32768, 60999);
            Assert.True(used.Add(port));
        }
        var tiny = new EphemeralPorts(new SipHash(1, 2), new SipHash(3, 4), 5000, 5001);
        var full = new HashSet<ushort> { 5000, 5001 };
        Assert.Equal(0, Pick(full, tiny));
    }

    [Fact]
    public void Rtt_estimator_follows_rfc_6298()
    {
        var rtt = new RttEstimator(Duration.FromSeconds(1), Duration.FromMilliseconds(200), Duration.FromSeconds(120));
        Assert.Equal(Duration.FromSeconds(1), rtt.Rto);
        rtt.Sample(Duration.FromMilliseconds(100));
        // First sample: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4·RTTVAR = 300 ms.
        Assert.Equal(Duration.FromMilliseconds(100), rtt.Srtt);
        Assert.Equal(Duration.FromMilliseconds(300), rtt.Rto);
        rtt.Sample(Duration.FromMilliseconds(100));
        // RTTVAR = 3/4·50 + 1/4·0 = 37.5 ms; RTO = 100 + 150 = 250 ms.
        Assert.Equal(Duration.FromMilliseconds(250), rtt.Rto);
        for (int i = 0; i < 50; i++)
            rtt.Sample(Duration.FromMilliseconds(1));
        Assert.Equal(Duration.FromMilliseconds(200), rtt.Rto);   // clamped to the minimum
        for (int i = 0; i < 20; i++)
            rtt.BackOff();
        Assert.Equal(Duration.FromSeconds(120), rtt.Rto);        // and to the maximum
    }

    [Fact]
    public void Rtt_estimator_by_default_keeps_min_rto_above_srtt_as_linux()
    {
        var rtt = new RttEstimator(TcpSettings.Default);
        rtt.Sample(Duration.FromMilliseconds(100));
        // 4·RTTVAR = 200 ms = MinRto: 300 ms either way.
        Assert.Equal(Duration.FromMilliseconds(300), rtt.Rto);
        rtt.Sample(Duration.FromMilliseconds(100));
        // 4·RTTVAR = 150 ms < MinRto: SRTT + MinRto = 300 ms (RFC 6298 alone gives 250 ms).
        Assert.Equal(Duration.FromMilliseconds(300), rtt.Rto);
        for (int i = 0; i < 50; i++)
            rtt.Sample(Duration.FromMilliseconds(1));
        Assert.Equal(rtt.Srtt + TcpSettings.Default.MinRto, rtt.Rto);
        Assert.True(rtt.Rto > TcpSettings.Default.MinRto);
    }

    [Fact]
    public void Send_buffer_wraps_and_consumes_from_the_front()
    {
        var b = new SendBuffer(10);
        Assert.Equal(8, b.Append([1, 2, 3, 4, 5, 6, 7, 8]));
        b.Consume(6);
        Assert.Equal(8, b.Append([9, 10, 11, 12, 13, 14, 15, 16, 17]));
        Assert.Equal(10, b.Count);
        var out1 = new byte[10];
        b.CopyTo(0, out1);
        Assert.Equal(new byte[] { 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }, out1);
        var out2 = new byte[3];
        b.CopyTo(5, out2);
        Assert.Equal(new byte[] { 12, 13, 14 }, out2);
    }

    [Fact]
    public void Receive_buffer_reassembles_out_of_order_data_and_bounds_the_ranges()
    {
        var b = new ReceiveBuffer(100, 2);
        var nxt = new SeqNum(1000);
        Assert.Equal(0, b.Write(nxt, nxt + 10, [10, 11, 12]));
        Assert.Equal(0, b.Write(nxt, nxt + 20, [20]));
        Assert.Equal(-1, b.Write(nxt, nxt + 30, [30]));            // a third hole would exceed the bound
        Assert.Equal(0, b.Write(nxt, nxt + 13, [13, 14]));           // touches the first range: merges
        Assert.Equal(2, b.RangeCount);
        var first = Enumerable.Range(0, 10).Select(i => (byte)i).ToArray();
        Assert.Equal(15, b.Write(nxt, nxt, first));                 // fills the hole up to the first range's end
        Assert.Equal(1, b.RangeCount);
        var read = new byte[50];
        Assert.Equal(15, b.Read(read));
        Assert.Equal(Enumerable.Range(0, 15).Select(i => (byte)i).ToArray(), read[..15]);
    }

    [Fact]
    public void Timer_wheel_fires_each_entry_at_its_exact_deadline_across_revolutions()
    {
        var w = new TimerWheel(Duration.FromMilliseconds(10), 16);   // one revolution is only 160 ms
        w.Schedule(1, Instant.FromMilliseconds(5));
        w.Schedule(2, Instant.FromMilliseconds(1234.5));
        w.Schedule(3, Instant.FromMilliseconds(60_000));
        w.Schedule(4, Instant.FromMilliseconds(7));
        w.Cancel(4);
        Assert.Equal(Instant.FromMilliseconds(5), w.NextDeadline);
        Assert.True(w.TryPopExpired(Instant.FromMilliseconds(5), out int id));
        Assert.Equal(1, id);
        Assert.False(w.TryPopExpired(Instant.FromMilliseconds(1234), out _));
        Assert.Equal(Instant.FromMilliseconds(1234.5), w.NextDeadline);
        Assert.True(w.TryPopExpired(Instant.FromMilliseconds(1234.5), out id));
        Assert.Equal(2, id);
        w.Schedule(5, Instant.FromMilliseconds(2000));
        w.Schedule(5, Instant.FromMilliseconds(3000));           // rescheduling moves it
        Assert.Equal(Instant.FromMilliseconds(3000), w.NextDeadline);
        Assert.False(w.TryPopExpired(Instant.FromMilliseconds(2999), out _));
        Assert.True(w.TryPopExpired(Instant.FromMilliseconds(59_999), out id) && id == 5);
        Assert.False(w.TryPopExpired(Instant.FromMilliseconds(59_999), out _));
        Assert.Equal(Instant.FromMilliseconds(60_000), w.NextDeadline);
        Assert.True(w.TryPopExpired(Instant.FromMilliseconds(60_000), out id) && id == 3);
        Assert.Equal(0, w.Count);
        Assert.Equal(Instant.MaxValue, w.NextDeadline);
    }

    [Fact]
    public void SplitMix64_is_deterministic_for_a_seed()
    {
        var a = new SplitMix64Random(5);
        var b = new SplitMix64Random(5);
        for (int i = 0; i < 10; i++)
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        Assert.NotEqual(new SplitMix64Random(6).NextUInt64(), new SplitMix64Random(5).NextUInt64());
    }
}
