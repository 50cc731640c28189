using SynAck.Time;

namespace SynAck.Tests.Time;

public sealed class InstantTests
{
    [Fact]
    public void AddingADurationMovesTheInstant()
    {
        var t = Instant.Zero + Duration.FromMilliseconds(1500);
        Assert.Equal(1_500_000_000L, t.Nanoseconds);
        Assert.Equal(Duration.FromSeconds(1.5), t - Instant.Zero);
    }

    [Fact]
    public void AdditionSaturatesInsteadOfWrapping()
    {
        var t = Instant.MaxValue + Duration.FromSeconds(1);
        Assert.Equal(Instant.MaxValue, t);
    }
}
