using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Tests.Stack;

/// <summary>RFC 7323 §2 between two stacks: negotiation on both sides, and a window above 64 KiB in use.</summary>
public sealed class WindowScalingTransferTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void Scaling_is_used_exactly_when_both_sides_offer_it(bool client, bool server)
    {
        var h = new TwoStacks(new TcpSettings { WindowScaling = client }, new TcpSettings { WindowScaling = server });
        var (c, s) = ConnectedPair.Open(h);
        var cc = h.Client.Get(c);
        var sc = h.Server.Get(s);
        Assert.Equal(client && server, cc.WindowScaleOk);
        Assert.Equal(client && server, sc.WindowScaleOk);
        var syn = h.Wire.First(r => r.FromClient);
        var synAck = h.Wire.First(r => !r.FromClient);
        Assert.Equal(client, syn.Options.HasWindowScale);
        Assert.Equal(client && server, synAck.Options.HasWindowScale);
        var data = ConnectedPair.Pattern(300_000);
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, data, Duration.FromSeconds(60)));
        h.Check();
    }

    /// <summary>The most bytes the client had sent and not yet seen acknowledged, over the whole run.</summary>
    private static int MaxInFlight(TwoStacks h)
    {
        long highSent = 0;
        long highAck = 0;
        int max = 0;
        uint iss = h.Wire.First(r => r.FromClient).Seq.Value;
        foreach (var r in h.Wire)
        {
            if (r.FromClient && r.Length > 0)
                highSent = Math.Max(highSent, (uint)(r.Seq.Value - iss) + (long)r.Length);
            else if (!r.FromClient && r.Has(SynAck.Wire.TcpFlags.Ack))
                highAck = Math.Max(highAck, (uint)(r.Ack.Value - iss));
            max = Math.Max(max, (int)(highSent - highAck));
        }
        return max;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Over_a_50_ms_100_Mbit_path_the_flight_exceeds_64_KiB_only_with_scaling(bool scaling)
    {
        var settings = new TcpSettings { WindowScaling = scaling, ReceiveBufferSize = 1 << 20, SendBufferSize = 1 << 20 };
        var h = new TwoStacks(settings, settings) { Latency = Duration.FromMilliseconds(25), Bandwidth = 12_500_000 };
        var (c, s) = ConnectedPair.Open(h);
        var data = ConnectedPair.Pattern(8 << 20);
        var start = h.Now;
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, data, Duration.FromSeconds(120)));
        double seconds = (h.Now - start).TotalMilliseconds / 1000;
        int flight = MaxInFlight(h);
        TestContext.Current.TestOutputHelper?.WriteLine($"window scaling {scaling}: 8 MiB in {seconds:F2} s virtual = {data.Length / seconds / 1e6:F2} MB/s, max flight {flight}");
        if (scaling)
            Assert.True(flight > 65535, $"flight {flight} never exceeded 64 KiB");
        else
            Assert.True(flight <= 65535, $"flight {flight} exceeded an unscaled window");
        h.Check();
    }
}
