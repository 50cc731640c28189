namespace SynAck.Tests.Links;

/// <summary>A clock that moves only when a test says so (timestamps in nanoseconds).</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long _nanoseconds;

    public ManualTimeProvider()
        : this(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero))
    {
    }

    public override long TimestampFrequency => 1_000_000_000;

    public override long GetTimestamp() => _nanoseconds;

    public override DateTimeOffset GetUtcNow() => start + TimeSpan.FromTicks(_nanoseconds / 100);

    public void Advance(TimeSpan by) => _nanoseconds += by.Ticks * 100;

    public void AdvanceNanoseconds(long by) => _nanoseconds += by;
}
