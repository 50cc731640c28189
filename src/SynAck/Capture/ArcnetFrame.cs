namespace SynAck.Capture;

/// <summary>
/// ARCNET frames as libpcap stores them: source and destination station, (Linux only) a two-byte offset, then a
/// protocol ID. IP in the RFC 1201 encapsulation (ID 212, and 196 for IPv6) is followed by a split flag and a
/// sequence number, with four more bytes in an exception packet (split flag 0xFF); RFC 1051's IP (ID 240) is not.
/// </summary>
internal static class ArcnetFrame
{
    private const byte Rfc1201Ip = 212;
    private const byte Rfc1201Ipv6 = 196;
    private const byte Rfc1051Ip = 240;
    private const byte ExceptionFlag = 0xFF;

    /// <param name="frame">The frame.</param>
    /// <param name="linux">The Linux layout (LINKTYPE_ARCNET_LINUX), with its two offset bytes after the stations.</param>
    /// <param name="ip">The IP packet found.</param>
    public static LinkDecodeStatus Decode(ReadOnlySpan<byte> frame, bool linux, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        int at = linux ? 4 : 2;
        if (frame.Length <= at)
            return LinkDecodeStatus.Truncated;
        byte protocol = frame[at++];
        if (protocol == Rfc1051Ip)
            return IpStart.Accept(frame[at..], 4, out ip);
        if (protocol is not (Rfc1201Ip or Rfc1201Ipv6))
            return LinkDecodeStatus.NotIp;
        if (frame.Length <= at)
            return LinkDecodeStatus.Truncated;
        // An exception packet repeats the protocol ID and a split flag before the real one.
        at += frame[at] == ExceptionFlag ? 7 : 3;
        if (frame.Length <= at)
            return LinkDecodeStatus.Truncated;
        return IpStart.Accept(frame[at..], protocol == Rfc1201Ip ? 4 : 6, out ip);
    }
}
