using CsCheck;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Ip;

/// <summary>
/// Hostile fragments: random identifications, offsets, lengths and MF bits, IPv4 and IPv6, against a small budget.
/// Nothing throws, memory never exceeds the budget, and once the reassembly time has passed nothing is held.
/// </summary>
public sealed class ReassemblyFuzzTests
{
    [Fact]
    public void Random_fragments_stay_within_the_budget_and_are_all_gone_after_the_timeout()
    {
        const int budget = 96 * 1024;
        var v4 = new NetStack(IpCraft.Local4, TcpSettings.Default, new SplitMix64Random(3)) { IpSettings = new IpSettings { ReassemblyBudgetBytes = budget } };
        var v6 = new NetStack(IpCraft.Local6, TcpSettings.Default, new SplitMix64Random(4)) { IpSettings = new IpSettings { ReassemblyBudgetBytes = budget } };
        v4.Listen(80);
        v6.Listen(80);
        var sink = new PacketCollector();
        var header4 = IpCraft.EchoRequest(IpCraft.Remote4, IpCraft.Local4, 1, 1, IpCraft.Data(8)).AsSpan(0, 20).ToArray();
        var header6 = IpCraft.EchoRequest(IpCraft.Remote6, IpCraft.Local6, 1, 1, IpCraft.Data(8)).AsSpan(0, 40).ToArray();
        var now = Instant.FromMilliseconds(1000);

        var gen =
            from ipv6 in Gen.Bool
            from id in Gen.Int[0, 40]
            // Half the fragments near the start of their datagram, so fragments of one datagram meet and overlap
            // in every run (CsCheck draws a new seed for each iteration after the first).
            from block in Gen.OneOf(Gen.Int[0, 8191], Gen.Int[0, 63])
            from length in Gen.OneOf(Gen.Int[0, 64], Gen.Int[0, 1500])
            from more in Gen.Bool
            from fill in Gen.Byte
            from step in Gen.Int[0, 400]
            select (ipv6, id, block, length, more, fill, step);

        gen.Sample(t =>
        {
            now += Duration.FromMilliseconds((long)t.step);
            var data = Enumerable.Repeat(t.fill, t.length).ToArray();
            int offset = t.block * 8;
            if (t.ipv6)
            {
                v6.Deliver(IpCraft.V6Fragment(header6, (uint)t.id, offset, data, t.more), now);
                v6.Poll(now, sink);
            }
            else
            {
                if (20 + offset + data.Length <= 65535)
                    v4.Deliver(IpCraft.V4Fragment(header4, (ushort)t.id, offset, data, t.more), now);
                v4.Poll(now, sink);
            }
            sink.Packets.Clear();
            Assert.True(v4.IpCounters.ReasmBytes <= budget);
            Assert.True(v6.IpCounters.ReasmBytes <= budget);
        }, iter: 20_000, threads: 1, seed: "0N0XIzNsQ0O2");

        Assert.True(v4.IpCounters.ReasmReqds > 0 && v6.IpCounters.ReasmReqds > 0);
        Assert.True(v4.IpCounters.ReasmOverlaps + v6.IpCounters.ReasmOverlaps > 0,
            $"overlaps v4 {v4.IpCounters.ReasmOverlaps} v6 {v6.IpCounters.ReasmOverlaps}, requests {v4.IpCounters.ReasmReqds}/{v6.IpCounters.ReasmReqds}, over budget {v4.IpCounters.ReasmOverBudget}/{v6.IpCounters.ReasmOverBudget}, malformed {v4.IpCounters.ReasmMalformed}/{v6.IpCounters.ReasmMalformed}, duplicates {v4.IpCounters.ReasmDuplicates}/{v6.IpCounters.ReasmDuplicates}");
        var later = now + Duration.FromSeconds(61);
        v4.Poll(later, sink);
        v6.Poll(later, sink);
        Assert.Equal(0, v4.IpCounters.ReasmBytes + v6.IpCounters.ReasmBytes);
        Assert.Equal(0, v4.IpCounters.ReasmDatagrams + v6.IpCounters.ReasmDatagrams);
    }
}
