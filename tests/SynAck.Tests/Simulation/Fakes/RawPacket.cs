using System.Buffers.Binary;
using SynAck.Wire;

namespace SynAck.Tests.Simulation.Fakes;

/// <summary>Minimal IPv4 packets for simulator tests that need no TCP: protocol 253 (experimental), an 8-byte tag, padding.</summary>
internal static class RawPacket
{
    public const byte ExperimentalProtocol = 253;

    public static byte[] V4(IpAddress src, IpAddress dst, long tag, int totalLength = 28)
    {
        if (totalLength < 28)
            throw new ArgumentOutOfRangeException(nameof(totalLength));
        var p = new byte[totalLength];
        p[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)totalLength);
        p[8] = 64;
        p[9] = ExperimentalProtocol;
        src.WriteTo(p.AsSpan(12));
        dst.WriteTo(p.AsSpan(16));
        BinaryPrimitives.WriteInt64BigEndian(p.AsSpan(20), tag);
        return p;
    }

    public static long Tag(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadInt64BigEndian(packet[20..]);

    public static IpAddress Source(ReadOnlySpan<byte> packet) => IpAddress.Read(packet[12..], false);

    public static IpAddress Destination(ReadOnlySpan<byte> packet) => IpAddress.Read(packet[16..], false);
}
