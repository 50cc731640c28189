namespace SynAck.Links;

/// <summary>The settings, generator, counters and held packets of one direction of a <see cref="FaultInjectingLink"/>.</summary>
internal sealed class FaultDirection(FaultSettings settings, ulong seed, int maxHeld, TimeProvider time)
{
    private readonly FaultRandom _random = new(seed);

    public FaultSettings Settings { get; } = settings;

    public FaultCounters Counters { get; } = new();

    public DelayLine Held { get; } = new(maxHeld);

    /// <summary>
    /// Decides one packet's fate. Always draws the same six numbers, whatever the settings, so
    /// the fate of packet k depends only on the seed and k.
    /// </summary>
    public FaultDecision Decide(int length)
    {
        var s = Settings;
        var uLoss = _random.NextDouble();
        var uDuplicate = _random.NextDouble();
        var uReorder = _random.NextDouble();
        var uCorrupt = _random.NextDouble();
        var uJitter = _random.NextDouble();
        var bits = _random.NextUInt64();

        Counters.OnPacket();
        if (uLoss < s.Loss)
        {
            Counters.OnLost();
            return new FaultDecision(Lost: true, CorruptBit: -1, Duplicate: false, HoldTicks: 0);
        }

        var corruptBit = -1;
        if (uCorrupt < s.Corrupt && length > 0)
        {
            corruptBit = (int)(bits % (ulong)(length * 8L));
            Counters.OnCorrupted();
        }

        var duplicate = uDuplicate < s.Duplicate;
        if (duplicate)
            Counters.OnDuplicated();

        var hold = s.Delay + TimeSpan.FromTicks((long)(uJitter * s.Jitter.Ticks));
        if (uReorder < s.Reorder)
        {
            hold += s.ReorderDelay;
            Counters.OnReordered();
        }
        var holdTicks = hold <= TimeSpan.Zero ? 0 : ToTimestampTicks(hold);
        return new FaultDecision(Lost: false, corruptBit, duplicate, holdTicks);
    }

    /// <summary>Holds a packet (and its duplicate) until <paramref name="due"/>; counts a drop when full.</summary>
    public void Hold(ReadOnlySpan<byte> packet, long due, bool duplicate)
    {
        Counters.OnDelayed();
        if (!Held.TryAdd(packet, due))
        {
            Counters.OnOverflowed();
            return;
        }
        if (duplicate && !Held.TryAdd(packet, due))
            Counters.OnOverflowed();
    }

    private long ToTimestampTicks(TimeSpan span)
        => Math.Max(1, (long)Math.Ceiling(span.Ticks * (double)time.TimestampFrequency / TimeSpan.TicksPerSecond));
}
