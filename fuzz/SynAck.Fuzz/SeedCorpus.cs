using SynAck.Capture;

namespace SynAck.Fuzz;

/// <summary>Turns a capture (the demo scenarios' pcapng files) into seed inputs: the file itself for <c>capture</c>, each IP packet for <c>wire</c>, each TCP segment's bytes as a program for <c>stack</c>.</summary>
internal static class SeedCorpus
{
    public static int Write(string capturePath, string folder)
    {
        foreach (var target in new[] { "wire", "capture", "stack" })
            Directory.CreateDirectory(Path.Combine(folder, target));
        string name = Path.GetFileNameWithoutExtension(capturePath);
        File.Copy(capturePath, Path.Combine(folder, "capture", name + ".pcapng"), overwrite: true);
        using var reader = CaptureReader.Open(File.OpenRead(capturePath));
        int n = 0;
        while (reader.TryReadNext(out var record) && n < 64)
        {
            if (!LinkLayer.TryGetIpPacket(record.LinkType, record.Data.Span, out var packet))
                continue;
            File.WriteAllBytes(Path.Combine(folder, "wire", $"{name}-{n}"), packet.ToArray());
            File.WriteAllBytes(Path.Combine(folder, "stack", $"{name}-{n}"), packet[Math.Min(20, packet.Length)..].ToArray());
            n++;
        }
        Console.WriteLine($"{capturePath}: {n} packets");
        return 0;
    }
}
