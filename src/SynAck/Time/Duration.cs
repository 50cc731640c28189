namespace SynAck.Time;

/// <summary>A span of time in nanoseconds; may be negative when two instants are subtracted.</summary>
public readonly record struct Duration(long Nanoseconds) : IComparable<Duration>
{
    public static Duration Zero => default;

    public static Duration MaxValue => new(long.MaxValue);

    public static Duration FromNanoseconds(long ns) => new(ns);

    public static Duration FromMicroseconds(long us) => new(checked(us * 1_000));

    public static Duration FromMilliseconds(long ms) => new(checked(ms * 1_000_000));

    public static Duration FromMilliseconds(double ms) => new((long)Math.Round(ms * 1_000_000.0));

    public static Duration FromSeconds(long s) => new(checked(s * 1_000_000_000));

    public static Duration FromSeconds(double s) => new((long)Math.Round(s * 1_000_000_000.0));

    public static Duration FromTimeSpan(TimeSpan t) => new(checked(t.Ticks * 100));

    public TimeSpan ToTimeSpan() => TimeSpan.FromTicks(Nanoseconds / 100);

    public long TotalMicroseconds => Nanoseconds / 1_000;

    public double TotalMilliseconds => Nanoseconds / 1_000_000.0;

    public double TotalSeconds => Nanoseconds / 1_000_000_000.0;

    public static Duration operator +(Duration a, Duration b) => new(a.Nanoseconds + b.Nanoseconds);

    public static Duration operator -(Duration a, Duration b) => new(a.Nanoseconds - b.Nanoseconds);

    public static Duration operator -(Duration a) => new(-a.Nanoseconds);

    public static Duration operator *(Duration a, long k) => new(checked(a.Nanoseconds * k));

    public static Duration operator *(Duration a, double k) => new((long)Math.Round(a.Nanoseconds * k));

    public static Duration operator /(Duration a, long k) => new(a.Nanoseconds / k);

    public static bool operator <(Duration a, Duration b) => a.Nanoseconds < b.Nanoseconds;

    public static bool operator >(Duration a, Duration b) => a.Nanoseconds > b.Nanoseconds;

    public static bool operator <=(Duration a, Duration b) => a.Nanoseconds <= b.Nanoseconds;

    public static bool operator >=(Duration a, Duration b) => a.Nanoseconds >= b.Nanoseconds;

    public static Duration Min(Duration a, Duration b) => a <= b ? a : b;

    public static Duration Max(Duration a, Duration b) => a >= b ? a : b;

    public int CompareTo(Duration other) => Nanoseconds.CompareTo(other.Nanoseconds);

    public override string ToString() => TotalMilliseconds >= 1000 ? $"{TotalSeconds:0.###} s" : $"{TotalMilliseconds:0.###} ms";
}
