namespace SynAck.Links;

/// <summary>Turns a <see cref="TimeSpan"/> timeout into what the waiting primitives take.</summary>
internal static class WaitTimeout
{
    /// <summary>Whole milliseconds rounded up (so a wait never ends before its deadline);
    /// -1 for infinite or anything too long for an <see cref="int"/>.</summary>
    public static int ToMilliseconds(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
            return Timeout.Infinite;
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        var ms = (timeout.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        return ms >= int.MaxValue ? Timeout.Infinite : (int)ms;
    }

    /// <summary>Throws for a negative timeout other than <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public static void Validate(TimeSpan timeout)
    {
        if (timeout != Timeout.InfiniteTimeSpan)
            ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
    }
}
