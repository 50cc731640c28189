using SynAck.Simulation;

namespace SynAck.Tests.Simulation;

public sealed class Xoshiro256StarStarTests
{
    [Fact]
    public void SplitMix64FromZeroGivesThePublishedFirstOutputs()
    {
        ulong state = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, Xoshiro256StarStar.SplitMix64(ref state));
        Assert.Equal(0x6E789E6AA1B965F4UL, Xoshiro256StarStar.SplitMix64(ref state));
        Assert.Equal(0x06C45D188009454FUL, Xoshiro256StarStar.SplitMix64(ref state));
        Assert.Equal(0xF88BB8A8724C81ECUL, Xoshiro256StarStar.SplitMix64(ref state));
    }

    [Fact]
    public void SeedZeroMatchesAnIndependentReferenceImplementation()
    {
        // Values computed with a separate Python implementation of xoshiro256** seeded by SplitMix64.
        var r = new Xoshiro256StarStar(0);
        Assert.Equal(0x99EC5F36CB75F2B4UL, r.NextUInt64());
        Assert.Equal(0xBF6E1F784956452AUL, r.NextUInt64());
        Assert.Equal(0x1A5F849D4933E6E0UL, r.NextUInt64());
    }

    [Fact]
    public void SameSeedSameStreamDifferentSeedDifferentStream()
    {
        var a = new Xoshiro256StarStar(42);
        var b = new Xoshiro256StarStar(42);
        var c = new Xoshiro256StarStar(43);
        bool anyDifferent = false;
        for (int i = 0; i < 100; i++)
        {
            ulong x = a.NextUInt64();
            Assert.Equal(x, b.NextUInt64());
            anyDifferent |= x != c.NextUInt64();
        }
        Assert.True(anyDifferent);
    }

    [Fact]
    public void NextBelowStaysInRangeAndCoversIt()
    {
        var r = new Xoshiro256StarStar(7);
        var seen = new bool[10];
        for (int i = 0; i < 1000; i++)
        {
            ulong v = r.NextBelow(10);
            Assert.InRange(v, 0UL, 9UL);
            seen[v] = true;
        }
        Assert.All(seen, Assert.True);
    }

    [Fact]
    public void NextDoubleIsInUnitInterval()
    {
        var r = new Xoshiro256StarStar(9);
        double sum = 0;
        for (int i = 0; i < 10_000; i++)
        {
            double d = r.NextDouble();
            Assert.InRange(d, 0.0, 0.9999999999999999);
            sum += d;
        }
        // Mean of 10,000 uniforms: standard deviation of the mean is about 0.0029.
        Assert.InRange(sum / 10_000, 0.485, 0.515);
    }

    [Fact]
    public void ChanceOfZeroOrOneDrawsNothing()
    {
        var a = new Xoshiro256StarStar(5);
        var b = new Xoshiro256StarStar(5);
        Assert.False(a.Chance(0));
        Assert.True(a.Chance(1));
        Assert.Equal(b.NextUInt64(), a.NextUInt64());
    }

    [Fact]
    public void DerivedSeedsDependOnNameAndSeed()
    {
        ulong x = Xoshiro256StarStar.DeriveSeed(1, "link:a->b");
        Assert.Equal(x, Xoshiro256StarStar.DeriveSeed(1, "link:a->b"));
        Assert.NotEqual(x, Xoshiro256StarStar.DeriveSeed(1, "link:b->a"));
        Assert.NotEqual(x, Xoshiro256StarStar.DeriveSeed(2, "link:a->b"));
    }
}
