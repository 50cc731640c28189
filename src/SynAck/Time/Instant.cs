namespace SynAck.Time;

/// <summary>
/// A point in time, in nanoseconds since an arbitrary epoch chosen by whoever drives the stack
/// (the simulator's virtual clock, or a host loop's <see cref="System.TimeProvider"/>).
/// The core never reads a clock: every call that needs "now" takes an <see cref="Instant"/>.
/// </summary>
public readonly record struct Instant(long Nanoseconds) : IComparable<Instant>
{
    /// <summary>The epoch of the clock that produced this instant.</summary>
    public static Instant Zero => default;

    /// <summary>A time later than any real deadline; used for "no deadline".</summary>
    public static Instant MaxValue => new(long.MaxValue);

    public static Instant FromMilliseconds(double ms) => new((long)Math.Round(ms * 1_000_000.0));

    public double TotalMilliseconds => Nanoseconds / 1_000_000.0;

    public double TotalSeconds => Nanoseconds / 1_000_000_000.0;

    public static Instant operator +(Instant t, Duration d) => new(Saturating(t.Nanoseconds, d.Nanoseconds));

    public static Instant operator -(Instant t, Duration d) => new(Saturating(t.Nanoseconds, -d.Nanoseconds));

    public static Duration operator -(Instant a, Instant b) => new(a.Nanoseconds - b.Nanoseconds);

    public static bool operator <(Instant a, Instant b) => a.Nanoseconds < b.Nanoseconds;

    public static bool operator >(Instant a, Instant b) => a.Nanoseconds > b.Nanoseconds;

    public static bool operator <=(Instant a, Instant b) => a.Nanoseconds <= b.Nanoseconds;

    public static bool operator >=(Instant a, Instant b) => a.Nanoseconds >= b.Nanoseconds;

    public static Instant Min(Instant a, Instant b) => a <= b ? a : b;

    public static Instant Max(Instant a, Instant b) => a >= b ? a : b;

    public int CompareTo(Instant other) => Nanoseconds.CompareTo(other.Nanoseconds);

    public override string ToString() => $"{TotalMilliseconds:0.000} ms";

    private static long Saturating(long a, long b)
    {
        long r = unchecked(a + b);
        // Overflow only when both operands share a sign that the result does not.
        if (((a ^ r) & (b ^ r)) < 0)
            return a < 0 ? long.MinValue : long.MaxValue;
        return r;
    }
}
