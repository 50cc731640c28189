using SynAck.Capture;
namespace SynAck.Tests.Capture;

internal static class CaptureTestData
{
    /// <summary>A recognisable fake IPv4 packet (only the version nibble matters to the capture layer).</summary>
    public static byte[] Packet(int length, byte seed)
    {
        var p = new byte[length];
        for (var i = 0; i < length; i++)
            p[i] = (byte)(seed + i * 7);
        if (length > 0)
            p[0] = 0x45;
        return p;
    }

    public static List<(CaptureRecord Record, byte[] Data)> ReadAll(byte[] file, out CaptureReader reader)
    {
        reader = CaptureReader.Open(new MemoryStream(file));
        var list = new List<(CaptureRecord, byte[])>();
        while (reader.TryReadNext(out var r))
            list.Add((r, r.Data.ToArray()));
        return list;
    }
}
