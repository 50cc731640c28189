using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Tests.Stack;

/// <summary>RFC 7323 §3 between two stacks: timestamps are used exactly when both sides offer them.</summary>
public sealed class TimestampNegotiationTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void Timestamps_are_used_exactly_when_both_sides_offer_them(bool client, bool server)
    {
        var h = new TwoStacks(new TcpSettings { Timestamps = client }, new TcpSettings { Timestamps = server });
        var (c, s) = ConnectedPair.Open(h);
        bool both = client && server;
        Assert.Equal(both, h.Client.Get(c).TimestampsOk);
        Assert.Equal(both, h.Server.Get(s).TimestampsOk);
        Assert.Equal(client, h.Wire.First(r => r.FromClient).Options.HasTimestamps);
        var data = ConnectedPair.Pattern(100_000);
        Assert.Equal(data, ConnectedPair.Transfer(h, h.Client, c, h.Server, s, data, Duration.FromSeconds(30)));
        // After the SYN, every segment carries the option exactly when it was negotiated, and each fits the MTU.
        Assert.All(h.Wire.Skip(1), r => Assert.Equal(both, r.Options.HasTimestamps));
        Assert.All(h.Wire, r => Assert.True(r.Packet.Length <= 1500, $"{r} is {r.Packet.Length} bytes"));
        h.Check();
    }
}
