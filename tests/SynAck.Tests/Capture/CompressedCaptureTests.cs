using System.IO.Compression;
using K4os.Compression.LZ4.Streams;
using SynAck.Capture;
using ZstdSharp;

namespace SynAck.Tests.Capture;

/// <summary>gzip, zstd and lz4 captures read as the plain file does, streamed from a non-seekable source.</summary>
public sealed class CompressedCaptureTests
{
    private static byte[] PlainPcapNg()
    {
        var ms = new MemoryStream();
        using (var w = new PcapNgWriter(ms, leaveOpen: true))
        {
            int id = w.AddInterface(LinkType.Raw);
            for (var i = 0; i < 200; i++)
                w.WritePacket(id, 1_700_000_000_000_000_000L + i * 1_000_000L, CaptureTestData.Packet(40 + i % 900, (byte)i));
        }
        return ms.ToArray();
    }

    private static byte[] Compress(CaptureCompression kind, byte[] plain)
    {
        var ms = new MemoryStream();
        using (Stream encoder = kind switch
        {
            CaptureCompression.Gzip => new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true),
            CaptureCompression.Zstd => new CompressionStream(ms, leaveOpen: true),
            _ => LZ4Stream.Encode(ms, leaveOpen: true),
        })
        {
            encoder.Write(plain);
        }
        return ms.ToArray();
    }

    /// <summary>A stream that cannot seek, like stdin or a pipe.</summary>
    private sealed class PipeLike(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }

    [Theory]
    [InlineData(CaptureCompression.Gzip)]
    [InlineData(CaptureCompression.Zstd)]
    [InlineData(CaptureCompression.Lz4)]
    public void A_compressed_capture_yields_the_same_records_as_the_plain_one(CaptureCompression kind)
    {
        var plain = PlainPcapNg();
        var expected = CaptureTestData.ReadAll(plain, out _);
        var compressed = Compress(kind, plain);
        Assert.NotEqual(plain[..4], compressed[..4]);

        using var reader = CaptureReader.Open(new PipeLike(compressed));
        Assert.Equal(kind, reader.Compression);
        Assert.Equal(CaptureFormat.PcapNg, reader.Format);
        var i = 0;
        while (reader.TryReadNext(out var r))
        {
            Assert.Equal(expected[i].Record.TimestampNanoseconds, r.TimestampNanoseconds);
            Assert.Equal(expected[i].Data, r.Data.ToArray());
            i++;
        }
        Assert.Null(reader.Error);
        Assert.Equal(expected.Count, i);
        Assert.Equal(plain.Length, reader.BytesRead);
    }

    [Fact]
    public void Concatenated_gzip_members_read_as_one_capture()
    {
        var plain = PlainPcapNg();
        int cut = plain.Length / 2;
        var joined = Compress(CaptureCompression.Gzip, plain[..cut]).Concat(Compress(CaptureCompression.Gzip, plain[cut..])).ToArray();
        var records = CaptureTestData.ReadAll(joined, out var reader);
        Assert.Null(reader.Error);
        Assert.Equal(200, records.Count);
    }

    [Theory]
    [InlineData(CaptureCompression.Gzip)]
    [InlineData(CaptureCompression.Zstd)]
    [InlineData(CaptureCompression.Lz4)]
    public void Damaged_compressed_data_ends_the_reading_with_an_error_not_an_exception(CaptureCompression kind)
    {
        var compressed = Compress(kind, PlainPcapNg());
        for (var at = compressed.Length / 3; at < compressed.Length * 2 / 3; at++)
            compressed[at] ^= 0xA5;
        var records = CaptureTestData.ReadAll(compressed, out var reader);
        Assert.NotNull(reader.Error);
        Assert.True(records.Count < 200);
    }

    [Fact]
    public void Compressed_data_that_is_not_a_capture_says_so()
    {
        var records = CaptureTestData.ReadAll(Compress(CaptureCompression.Gzip, "hello, not a capture"u8.ToArray()), out var reader);
        Assert.Empty(records);
        Assert.Contains("unknown magic number", reader.Error!.Message, StringComparison.Ordinal);
    }
}
