using System.Buffers.Binary;

namespace SynAck.Capture;

/// <summary>An Ethernet II or IEEE 802.3 frame (destination, source, then an EtherType or a length followed by LLC).</summary>
internal static class EthernetFrame
{
    private const int HeaderLength = 14;
    private const ushort MaxLength = 1500; // IEEE 802.3: values up to 1500 are a length, 1536 and up an EtherType.

    public static LinkDecodeStatus Decode(ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (frame.Length < HeaderLength)
            return LinkDecodeStatus.Truncated;
        var type = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        if (type <= MaxLength)
            return EtherTypes.FollowLlcSnap(frame[HeaderLength..], depth, ref trail, out ip);
        return EtherTypes.Follow(type, frame[HeaderLength..], depth, ref trail, out ip);
    }
}
