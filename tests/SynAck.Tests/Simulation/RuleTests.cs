using SynAck.Simulation;
using SynAck.Tests.Simulation.Fakes;
using SynAck.Time;

namespace SynAck.Tests.Simulation;

public sealed class RuleTests
{
    private static Instant Ms(double ms) => Instant.FromMilliseconds(ms);

    private static Pair SendTen(out LinkProfile profile)
    {
        profile = new LinkProfile { Latency = Duration.FromMilliseconds(10L) };
        var pair = new Pair(profile);
        for (int i = 0; i < 10; i++)
            pair.A.SendAt(Ms(i), pair.AToB(i));
        return pair;
    }

    private static long[] TagsAtB(Pair pair) => pair.B.Received.Select(r => RawPacket.Tag(r.Packet)).ToArray();

    private static readonly PacketMatch EvenTags = new() { Where = p => RawPacket.Tag(p.Data) % 2 == 0 };

    [Fact]
    public void DropNthDropsOnlyThatOccurrenceOfTheMatch()
    {
        var pair = SendTen(out _);
        var rule = pair.Network.AddRule(PacketRule.DropNth(EvenTags, 3));
        pair.Network.RunUntil(Ms(100));

        Assert.Equal([0L, 1, 2, 3, 5, 6, 7, 8, 9], TagsAtB(pair));
        Assert.Equal(5, rule.Matched);
        Assert.Equal(1, rule.Fired);
        Assert.Equal(1, pair.Log.CountDropped(SimReason.Rule));
    }

    [Fact]
    public void DropFirstDropsTheFirstOccurrences()
    {
        var pair = SendTen(out _);
        pair.Network.AddRule(PacketRule.DropFirst(EvenTags, 2));
        pair.Network.RunUntil(Ms(100));

        Assert.Equal([1L, 3, 4, 5, 6, 7, 8, 9], TagsAtB(pair));
    }

    [Fact]
    public void DropAllDropsEveryMatch()
    {
        var pair = SendTen(out _);
        pair.Network.AddRule(PacketRule.DropAll(EvenTags));
        pair.Network.RunUntil(Ms(100));

        Assert.Equal([1L, 3, 5, 7, 9], TagsAtB(pair));
    }

    [Fact]
    public void MatchByHostNamesSelectsOneDirection()
    {
        var pair = new Pair(LinkProfile.Ideal);
        pair.A.SendAt(Ms(0), pair.AToB(1));
        pair.B.SendAt(Ms(0), pair.BToA(2));
        pair.Network.AddRule(PacketRule.DropAll(new PacketMatch { From = "b" }));
        pair.Network.AddRule(PacketRule.DropAll(new PacketMatch { To = "nobody" }));
        pair.Network.RunUntil(Ms(1));

        Assert.Single(pair.B.Received);
        Assert.Empty(pair.A.Received);
    }

    [Fact]
    public void DelayNthHoldsThatPacketBackSoItIsOvertaken()
    {
        var pair = SendTen(out _);
        pair.Network.AddRule(PacketRule.DelayNth(EvenTags, 2, Duration.FromMilliseconds(3.5)));
        pair.Network.RunUntil(Ms(100));

        Assert.Equal([0L, 1, 3, 4, 5, 2, 6, 7, 8, 9], TagsAtB(pair));
        var at2 = pair.B.Received.Single(r => RawPacket.Tag(r.Packet) == 2).Time;
        Assert.Equal(Ms(2 + 10 + 3.5), at2);
        var delayed = Assert.Single(pair.Log.Events, e => e.Kind == SimEventKind.Delayed);
        Assert.Equal(SimReason.Rule, delayed.Reason);
        Assert.Equal(Duration.FromMilliseconds(3.5), delayed.Delay);
    }

    [Fact]
    public void DuplicateNthDeliversThatPacketTwice()
    {
        var pair = SendTen(out _);
        pair.Network.AddRule(PacketRule.DuplicateNth(EvenTags, 5));
        pair.Network.RunUntil(Ms(100));

        Assert.Equal([0L, 1, 2, 3, 4, 5, 6, 7, 8, 8, 9], TagsAtB(pair));
        var dup = Assert.Single(pair.Log.Events, e => e.Kind == SimEventKind.Duplicated);
        Assert.Equal(SimReason.Rule, dup.Reason);
    }

    [Fact]
    public void RulesAreTriedInOrderAndADropStopsTheRest()
    {
        var pair = SendTen(out _);
        var first = pair.Network.AddRule(PacketRule.DropNth(PacketMatch.Any, 1));
        var second = pair.Network.AddRule(PacketRule.DropNth(PacketMatch.Any, 1));
        pair.Network.RunUntil(Ms(100));

        // The first rule drops packet 0; the second never saw it and so drops packet 1.
        Assert.Equal([2L, 3, 4, 5, 6, 7, 8, 9], TagsAtB(pair));
        Assert.Equal(10, first.Matched);
        Assert.Equal(9, second.Matched);
    }

    [Fact]
    public void RemovedRuleNoLongerActs()
    {
        var pair = SendTen(out _);
        var rule = pair.Network.AddRule(PacketRule.DropAll(PacketMatch.Any));
        pair.Network.RunUntil(Ms(4.5));
        Assert.True(pair.Network.RemoveRule(rule));
        pair.Network.RunUntil(Ms(100));

        Assert.Equal([5L, 6, 7, 8, 9], TagsAtB(pair));
    }

    [Fact]
    public void InjectedPacketTravelsTheLinkButBypassesRules()
    {
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(10L) });
        pair.Network.AddRule(PacketRule.DropAll(PacketMatch.Any));
        pair.Network.InjectAt(Ms(5), "a", pair.AToB(77));
        pair.Network.RunUntil(Ms(100));

        var (time, packet) = Assert.Single(pair.B.Received);
        Assert.Equal(Ms(15), time);
        Assert.Equal(77L, RawPacket.Tag(packet));
        Assert.Equal(1, pair.Network.Counters.Of(SimEventKind.Injected));
        Assert.Equal(0, pair.Network.Counters.Sent);
    }

    [Fact]
    public void DeliverAtHandsThePacketStraightToTheHost()
    {
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(10L), Loss = 1.0 });
        pair.Network.DeliverAt(Ms(5), "b", pair.AToB(5));
        pair.Network.RunUntil(Ms(100));

        Assert.Equal(Ms(5), Assert.Single(pair.B.Received).Time);
        Assert.Null(Assert.Single(pair.Log.Events).From);
    }

    [Fact]
    public void RuleArgumentsAreChecked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PacketRule.DropNth(PacketMatch.Any, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketRule(PacketMatch.Any, PacketAction.Drop, 3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => PacketRule.DelayNth(PacketMatch.Any, 1, Duration.Zero));
    }
}
