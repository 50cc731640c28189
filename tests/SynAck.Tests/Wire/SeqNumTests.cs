using SynAck.Wire;

namespace SynAck.Tests.Wire;

public sealed class SeqNumTests
{
    private static readonly SeqNum NearTop = new(0xFFFF_FFF0);

    [Fact]
    public void AdditionWrapsPastTwoToThe32()
    {
        Assert.Equal(new SeqNum(0x10), NearTop + 0x20);
        Assert.Equal(new SeqNum(0x10), NearTop + 0x20u);
        Assert.Equal(NearTop, new SeqNum(0x10) - 0x20);
    }

    [Fact]
    public void DifferenceIsSignedAcrossTheWrap()
    {
        var after = new SeqNum(0x10);
        Assert.Equal(0x20, after - NearTop);
        Assert.Equal(-0x20, NearTop - after);
    }

    [Fact]
    public void ComparisonHoldsAcrossTheWrap()
    {
        var after = new SeqNum(5);
        Assert.True(NearTop < after);
        Assert.True(NearTop <= after);
        Assert.True(after > NearTop);
        Assert.True(after >= NearTop);
        Assert.False(after < NearTop);
        Assert.Equal(-1, NearTop.CompareTo(after));
        Assert.Equal(1, after.CompareTo(NearTop));
        Assert.Equal(after, SeqNum.Max(NearTop, after));
        Assert.Equal(NearTop, SeqNum.Min(NearTop, after));
    }

    [Fact]
    public void HalfTheSpaceAwayIsTheOrderingHorizon()
    {
        // RFC 9293 §3.4: numbers less than 2^31 ahead are "later"; 2^31 ahead is read as behind.
        var a = new SeqNum(100);
        Assert.True(a + (int.MaxValue) > a);
        Assert.True(new SeqNum(100 + 0x8000_0000u) < a);
    }

    [Fact]
    public void InWindowAcrossTheWrap()
    {
        Assert.True(NearTop.InWindow(NearTop, 1));
        Assert.True(new SeqNum(0x0F).InWindow(NearTop, 0x20));
        Assert.False(new SeqNum(0x10).InWindow(NearTop, 0x20));
        Assert.False(new SeqNum(0xFFFF_FFEF).InWindow(NearTop, 0x20));
        Assert.False(NearTop.InWindow(NearTop, 0));
    }

    [Fact]
    public void AckAcceptabilityAcrossTheWrap()
    {
        var una = new SeqNum(0xFFFF_FFFE);
        var nxt = new SeqNum(3);
        Assert.True(new SeqNum(0).InRangeExclusiveInclusive(una, nxt));
        Assert.True(nxt.InRangeExclusiveInclusive(una, nxt));
        Assert.False(una.InRangeExclusiveInclusive(una, nxt));
        Assert.False(new SeqNum(4).InRangeExclusiveInclusive(una, nxt));
    }
}
