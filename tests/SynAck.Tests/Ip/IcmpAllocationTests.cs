using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Tests.Ip;

/// <summary>Architecture principle 7 for the IP layer: once warmed up, answering pings and refusing UDP allocates nothing.</summary>
public sealed class IcmpAllocationTests
{
    private sealed class CountingSink : IPacketSink
    {
        public long Count;

        public void Send(ReadOnlySpan<byte> ipPacket) => Count++;
    }

    [Fact]
    public void Echo_replies_and_unreachables_allocate_nothing_in_the_steady_state()
    {
        var stack = new NetStack(IpCraft.Local4, TcpSettings.Default, new SplitMix64Random(1))
        {
            IpSettings = new IpSettings { IcmpMessagesPerSecond = 1_000_000, IcmpMessagesBurst = 1_000, IcmpRateLimit = Duration.Zero },
        };
        var echo = IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, 1, 1, IpCraft.Data(56));
        var udp = IpCraft.Other(IpCraft.Remote4, IpCraft.Local4, SynAck.Wire.IpProtocol.Udp);
        var sink = new CountingSink();
        var now = Instant.FromMilliseconds(1);
        now = Run(stack, echo, udp, sink, now, 2_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(stack, echo, udp, sink, now, 10_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(24_000, sink.Count);
        Assert.Equal(0, allocated);
    }

    private static Instant Run(NetStack stack, byte[] echo, byte[] udp, CountingSink sink, Instant now, int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            now += Duration.FromMilliseconds(1L);
            stack.Deliver(echo, now);
            stack.Deliver(udp, now);
            stack.Poll(now, sink);
        }
        return now;
    }
}
