using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// SYN cookies (RFC 4987 §3.6): when a listener's backlog is full, the SYN-ACK's ISS itself carries what the
/// connection needs, so nothing is stored until the handshake's ACK returns it as SEG.ACK − 1. Layout, high bits
/// first: a 5-bit counter of 64-second ticks, a 4-bit index into <see cref="MssTable"/>, and 23 bits of a keyed
/// hash (SipHash with the ISN key) over the 4-tuple, the peer's ISN and the counter. A cookie is honoured for the
/// tick it was made in and the next (64 to 128 s). When the SYN carried timestamps, the other options ride in the
/// low <see cref="TsOptionBits"/> bits of the SYN-ACK's TSval, which the peer echoes in TSecr (as Linux does): the
/// peer's window shift (15: none) and SACK-permitted. Without timestamps a cookie connection has neither.
/// </summary>
internal static class SynCookie
{
    /// <summary>
    /// The MSS values a cookie can express; a peer's MSS is rounded down to one of them, never up (RFC 9293 §3.7.1:
    /// never send more than the peer announced). The first is the smallest MSS the engine uses at all.
    /// </summary>
    private static ReadOnlySpan<ushort> MssTable => [64, 128, 256, 512, 536, 1024, 1200, 1220, 1280, 1300, 1360, 1400, 1440, 1452, 1460, 8960];

    private const uint HashMask = (1u << 23) - 1;

    /// <summary>Low bits of the cookie SYN-ACK's TSval that carry options: 4 bits of window shift, 1 of SACK, 1 spare.</summary>
    public const int TsOptionBits = 6;

    private const uint TsOptionMask = (1u << TsOptionBits) - 1;
    private const uint NoWindowScale = 0xF;
    private const uint SackBit = 0x10;

    /// <summary>
    /// The TSval of a cookie SYN-ACK: our clock <paramref name="tsNow"/> with its low bits replaced by the options
    /// agreed from the SYN, rounded down so that the value never runs ahead of the clock the connection will use
    /// (RFC 7323 §5.4: TSval must not go backwards).
    /// </summary>
    public static uint EncodeTsVal(uint tsNow, bool windowScale, byte peerShift, bool sack)
    {
        uint options = windowScale ? Math.Min(peerShift, (byte)TcpSettings.MaxWindowShift) : NoWindowScale;
        if (sack)
            options |= SackBit;
        uint ts = (tsNow & ~TsOptionMask) | options;
        if (unchecked((int)(ts - tsNow)) > 0)
            ts = unchecked(ts - (1u << TsOptionBits));
        return ts;
    }

    /// <summary>The options a returning ACK's TSecr carries (see <see cref="EncodeTsVal"/>); every 4-bit shift value means something.</summary>
    public static void DecodeTsEcr(uint tsEcr, out bool windowScale, out byte peerShift, out bool sack)
    {
        uint shift = tsEcr & NoWindowScale;
        windowScale = shift != NoWindowScale;
        peerShift = windowScale ? (byte)Math.Min(shift, (uint)TcpSettings.MaxWindowShift) : (byte)0;
        sack = (tsEcr & SackBit) != 0;
    }

    private static readonly Duration s_tick = Duration.FromSeconds(64);

    private static uint Counter(Instant now) => (uint)(now.Nanoseconds / s_tick.Nanoseconds) & 31;

    /// <summary>The cookie ISS for a SYN with sequence number <paramref name="peerIsn"/> and MSS <paramref name="peerMss"/>.</summary>
    public static SeqNum Make(SipHash key, in ConnectionId id, SeqNum peerIsn, int peerMss, Instant now)
    {
        int index = 0;
        for (int i = MssTable.Length - 1; i >= 0; i--)
        {
            if (MssTable[i] <= peerMss)
            {
                index = i;
                break;
            }
        }
        uint t = Counter(now);
        return new SeqNum((t << 27) | ((uint)index << 23) | Hash(key, id, peerIsn, t));
    }

    /// <summary>
    /// Checks the cookie an ACK returns (SEG.ACK − 1 for SEG.SEQ − 1 as the peer's ISN); on success gives the MSS it
    /// encoded. False for a forged, corrupted or expired cookie.
    /// </summary>
    public static bool TryCheck(SipHash key, in ConnectionId id, SeqNum peerIsn, SeqNum cookie, Instant now, out ushort mss)
    {
        mss = 0;
        uint c = cookie.Value;
        uint t = c >> 27;
        uint age = (Counter(now) - t) & 31;
        if (age > 1)
            return false;
        if ((c & HashMask) != Hash(key, id, peerIsn, t))
            return false;
        mss = MssTable[(int)((c >> 23) & 15)];
        return true;
    }

    private static uint Hash(SipHash key, in ConnectionId id, SeqNum peerIsn, uint t)
    {
        Span<byte> buf = stackalloc byte[48];
        buf[0] = (byte)'C';   // domain separation from the ISN function, which uses the same key
        int n = 1;
        n += id.WriteTo(buf[n..]);
        uint isn = peerIsn.Value;
        buf[n++] = (byte)(isn >> 24);
        buf[n++] = (byte)(isn >> 16);
        buf[n++] = (byte)(isn >> 8);
        buf[n++] = (byte)isn;
        buf[n++] = (byte)t;
        return (uint)key.Hash(buf[..n]) & HashMask;
    }
}
