using SynAck.Capture;
using SynAck.Wire;

namespace SynAck.Fuzz.Targets;

/// <summary>
/// The capture readers (pcap, pcapng) and link-layer decoders on arbitrary bytes: never an exception, damage
/// reported as a <see cref="CaptureError"/> at an offset inside the file, and every frame's IP packet parsed.
/// </summary>
internal static class CaptureTarget
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        using var stream = new MemoryStream(data.ToArray(), writable: false);
        using (var reader = CaptureReader.Open(stream))
        {
            int frames = 0;
            while (frames < 100_000 && reader.TryReadNext(out var record))
            {
                frames++;
                if (LinkLayer.TryGetIpPacket(record.LinkType, record.Data.Span, out var packet))
                    WireTarget.Run(packet);
            }
            if (reader.Error is { } error && (error.Offset < 0 || error.Offset > data.Length))
                throw new InvalidOperationException($"damage reported at offset {error.Offset} of a {data.Length}-byte file");
        }
    }
}
