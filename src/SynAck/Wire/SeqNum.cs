namespace SynAck.Wire;

/// <summary>
/// A 32-bit TCP sequence number. Comparisons are modular (RFC 9293 §3.4): <c>a &lt; b</c> when
/// <c>b</c> lies less than 2^31 ahead of <c>a</c>, so ordering holds across the wrap at 2^32.
/// </summary>
public readonly record struct SeqNum(uint Value) : IComparable<SeqNum>
{
    public static SeqNum operator +(SeqNum s, int n) => new(unchecked(s.Value + (uint)n));

    public static SeqNum operator +(SeqNum s, uint n) => new(unchecked(s.Value + n));

    public static SeqNum operator -(SeqNum s, int n) => new(unchecked(s.Value - (uint)n));

    /// <summary>The signed distance from <paramref name="b"/> to <paramref name="a"/> (modulo 2^32).</summary>
    public static int operator -(SeqNum a, SeqNum b) => unchecked((int)(a.Value - b.Value));

    public static bool operator <(SeqNum a, SeqNum b) => (a - b) < 0;

    public static bool operator <=(SeqNum a, SeqNum b) => (a - b) <= 0;

    public static bool operator >(SeqNum a, SeqNum b) => (a - b) > 0;

    public static bool operator >=(SeqNum a, SeqNum b) => (a - b) >= 0;

    public static SeqNum Max(SeqNum a, SeqNum b) => a >= b ? a : b;

    public static SeqNum Min(SeqNum a, SeqNum b) => a <= b ? a : b;

    /// <summary><c>start &lt;= this &lt; start + size</c>, modulo 2^32 (the window test of RFC 9293 §3.10.7.4).</summary>
    public bool InWindow(SeqNum start, uint size) => unchecked(Value - start.Value) < size;

    /// <summary><c>low &lt; this &lt;= high</c> (the ACK acceptability test, SND.UNA &lt; SEG.ACK =&lt; SND.NXT).</summary>
    public bool InRangeExclusiveInclusive(SeqNum low, SeqNum high) => this > low && this <= high;

    public int CompareTo(SeqNum other) => Math.Sign(this - other);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
