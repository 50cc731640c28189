namespace SynAck.Capture;

/// <summary>
/// What an Interface Description Block says about the packets that refer to it: link type,
/// snap length, and how to turn the 64-bit timestamp into nanoseconds since the epoch.
/// </summary>
/// <param name="LinkType">The link-layer header type of the interface's packets.</param>
/// <param name="SnapLength">Longest packet kept; 0 means no limit.</param>
/// <param name="TsResolution">The <c>if_tsresol</c> byte: high bit clear, units of 10^-n
/// seconds; high bit set, units of 2^-n seconds. Default 6 (microseconds).</param>
/// <param name="TsOffsetSeconds">The <c>if_tsoffset</c> option: seconds added to every timestamp.</param>
internal readonly record struct PcapNgInterface(LinkType LinkType, uint SnapLength, byte TsResolution, long TsOffsetSeconds)
{
    public const byte DefaultTsResolution = 6;

    private static readonly Int128 NanosPerSecond = 1_000_000_000;

    /// <summary>Converts a block's timestamp to nanoseconds, saturating at the range of <see cref="long"/>
    /// (a hostile file may claim any resolution and offset).</summary>
    public long ToNanoseconds(ulong timestamp)
    {
        var exponent = TsResolution & 0x7F;
        Int128 ns;
        if ((TsResolution & 0x80) != 0)
        {
            // Units of 2^-exponent seconds; timestamp * 1e9 < 2^94, so the product cannot overflow.
            ns = exponent >= 100 ? 0 : (Int128)((UInt128)timestamp * 1_000_000_000u >> exponent);
        }
        else if (exponent <= 9)
        {
            ns = (Int128)timestamp * Pow10(9 - exponent);
        }
        else
        {
            // Finer than a nanosecond: truncate. 10^39 exceeds UInt128, and any 64-bit count divided by it is 0.
            ns = exponent - 9 > 38 ? 0 : (Int128)((UInt128)timestamp / (UInt128)Pow10(exponent - 9));
        }
        ns += TsOffsetSeconds * NanosPerSecond;
        return ns > long.MaxValue ? long.MaxValue : ns < long.MinValue ? long.MinValue : (long)ns;
    }

    private static Int128 Pow10(int n)
    {
        Int128 r = 1;
        for (var i = 0; i < n; i++)
            r *= 10;
        return r;
    }
}
