using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4.Streams;
using ZstdSharp;

namespace SynAck.Capture;

/// <summary>Compressed captures: recognised by their magic number and decoded as a stream, never whole in memory.</summary>
public sealed partial class CaptureReader
{
    // RFC 1952 §2.3.1: ID1 ID2 = 1F 8B, then CM = 8 (deflate).
    private const uint GzipMagic = 0x1F8B0800;
    private const uint GzipMagicMask = 0xFFFFFF00;

    // RFC 8878 §3.1.1: a Zstandard frame starts with 0xFD2FB528, little-endian.
    private const uint ZstdMagic = 0xFD2FB528;

    // LZ4 frame format: magic 0x184D2204, little-endian.
    private const uint Lz4Magic = 0x184D2204;

    private Stream? _decoder;

    /// <summary>The compression recognised around the capture (<see cref="CaptureCompression.None"/> for a plain file).</summary>
    public CaptureCompression Compression { get; private set; }

    private static CaptureCompression Recognise(ReadOnlySpan<byte> magic)
    {
        if ((BinaryPrimitives.ReadUInt32BigEndian(magic) & GzipMagicMask) == GzipMagic)
            return CaptureCompression.Gzip;
        return BinaryPrimitives.ReadUInt32LittleEndian(magic) switch
        {
            ZstdMagic => CaptureCompression.Zstd,
            Lz4Magic => CaptureCompression.Lz4,
            _ => CaptureCompression.None,
        };
    }

    /// <summary>Puts a decoder between the stream and the reader; the 4 bytes already read are handed back to it.
    /// From here on <see cref="BytesRead"/> counts decompressed bytes.</summary>
    private void StartDecoding(CaptureCompression compression, ReadOnlySpan<byte> magic)
    {
        var source = new PrefixedStream(magic.ToArray(), _stream);
        _decoder = compression switch
        {
            CaptureCompression.Gzip => new GZipStream(source, CompressionMode.Decompress, leaveOpen: true),
            CaptureCompression.Zstd => new DecompressionStream(source, leaveOpen: true),
            _ => LZ4Stream.Decode(source, leaveOpen: true),
        };
        Compression = compression;
        BytesRead = 0;
    }

    /// <summary>Reads from the decoder, turning its complaints about damaged compressed data into <see cref="Error"/>.</summary>
    private int ReadDecoded(Span<byte> dest)
    {
        try
        {
            return _decoder!.Read(dest);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or ZstdException or ArgumentException or EndOfStreamException)
        {
            Fail(BytesRead, $"damaged {Compression.ToString().ToLowerInvariant()} data: {e.Message}");
            return 0;
        }
    }
}
