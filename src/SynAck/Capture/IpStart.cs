namespace SynAck.Capture;

/// <summary>Where a decoder expects an IP packet to begin: checks the version nibble.</summary>
internal static class IpStart
{
    /// <summary>Accepts <paramref name="bytes"/> as the IP packet when its version nibble is
    /// <paramref name="version"/> (or 4 or 6 when <paramref name="version"/> is 0).</summary>
    public static LinkDecodeStatus Accept(ReadOnlySpan<byte> bytes, int version, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (bytes.IsEmpty)
            return LinkDecodeStatus.Truncated;
        var actual = bytes[0] >> 4;
        if (version == 0 ? actual is not (4 or 6) : actual != version)
            return LinkDecodeStatus.NotIp;
        ip = bytes;
        return LinkDecodeStatus.Ip;
    }
}
