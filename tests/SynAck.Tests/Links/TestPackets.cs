using System.Buffers.Binary;

namespace SynAck.Tests.Links;

/// <summary>Numbered packets of varying length: the link layer does not care what is inside.</summary>
internal static class TestPackets
{
    public static byte[] Make(int id, int length = 0)
    {
        if (length == 0)
            length = 20 + id * 37 % 1400;
        var p = new byte[length];
        BinaryPrimitives.WriteInt32BigEndian(p, id);
        for (var i = 4; i < p.Length; i++)
            p[i] = (byte)(id * 31 + i);
        return p;
    }

    public static int Id(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadInt32BigEndian(packet);

    /// <summary>Everything waiting at <paramref name="link"/>, as arrays.</summary>
    public static List<byte[]> Drain(SynAck.Links.ILink link)
    {
        var buffer = new byte[link.Mtu];
        var list = new List<byte[]>();
        while (link.TryReceive(buffer, out var n))
            list.Add(buffer[..n]);
        return list;
    }
}
