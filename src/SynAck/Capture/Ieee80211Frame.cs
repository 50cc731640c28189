using System.Buffers.Binary;

namespace SynAck.Capture;

/// <summary>IEEE 802.11 data frames (§9.2 of IEEE 802.11-2020) with LLC/SNAP, bare or behind the radio
/// headers captures put in front of them: radiotap, PPI, Prism and AVS.</summary>
internal static class Ieee80211Frame
{
    private const int PrismHeaderLength = 144;

    public static LinkDecodeStatus Decode(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < 24)
            return LinkDecodeStatus.Truncated;
        byte fc0 = frame[0], fc1 = frame[1];
        int type = (fc0 >> 2) & 0x3;
        int subtype = fc0 >> 4;
        // Only data frames (type 2) carry MSDUs; subtypes with bit 2 set are Null/CF frames without a body.
        if (type != 2 || (subtype & 0x4) != 0)
            return LinkDecodeStatus.NotIp;
        bool toDs = (fc1 & 0x01) != 0, fromDs = (fc1 & 0x02) != 0;
        int header = 24;
        if (toDs && fromDs)
            header += 6; // Address 4
        if ((subtype & 0x8) != 0)
        {
            header += 2; // QoS Control
            if ((fc1 & 0x80) != 0)
                header += 4; // +HTC: the Order bit in a QoS data frame
            if (frame.Length >= header && (frame[header - ((fc1 & 0x80) != 0 ? 6 : 2)] & 0x80) != 0)
                return LinkDecodeStatus.NotIp; // A-MSDU: several subframes, not followed here
        }
        if ((fc1 & 0x40) != 0)
            return LinkDecodeStatus.Encrypted;
        if (frame.Length < header)
            return LinkDecodeStatus.Truncated;
        return EtherTypes.FollowLlcSnap(frame[header..], depth, ref trail, out ip);
    }

    /// <summary>Radiotap: version 0, pad, then the whole header's length (little-endian).</summary>
    public static LinkDecodeStatus DecodeRadiotap(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < 4)
            return LinkDecodeStatus.Truncated;
        int length = BinaryPrimitives.ReadUInt16LittleEndian(frame[2..]);
        if (frame[0] != 0 || length < 8 || frame.Length < length)
            return LinkDecodeStatus.Truncated;
        return Decode(frame[length..], depth, ref trail, out ip);
    }

    /// <summary>PPI: version, flags, header length and the link type of what follows (little-endian).</summary>
    public static LinkDecodeStatus DecodePpi(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < 8)
            return LinkDecodeStatus.Truncated;
        int length = BinaryPrimitives.ReadUInt16LittleEndian(frame[2..]);
        var inner = (LinkType)BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]);
        if (length < 8 || frame.Length < length)
            return LinkDecodeStatus.Truncated;
        return LinkLayer.DecodeLink(inner, frame[length..], depth + 1, ref trail, out ip);
    }

    /// <summary>Prism monitoring header: a fixed 144 bytes.</summary>
    public static LinkDecodeStatus DecodePrism(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        return frame.Length < PrismHeaderLength ? LinkDecodeStatus.Truncated : Decode(frame[PrismHeaderLength..], depth, ref trail, out ip);
    }

    /// <summary>AVS monitoring header: version, then its own length (big-endian).</summary>
    public static LinkDecodeStatus DecodeAvs(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < 8)
            return LinkDecodeStatus.Truncated;
        long length = BinaryPrimitives.ReadUInt32BigEndian(frame[4..]);
        return length > frame.Length ? LinkDecodeStatus.Truncated : Decode(frame[(int)length..], depth, ref trail, out ip);
    }
}
