using System.Buffers.Binary;
using System.IO.Compression;

namespace SynAck.Analysis.Tests.Demo;

/// <summary>
/// Just enough of a PNG decoder to judge a screenshot: 8-bit RGB or RGBA, non-interlaced (what Chromium writes).
/// Returns the pixels as packed 0xRRGGBB values.
/// </summary>
internal static class Png
{
    public static (int Width, int Height, int[] Pixels) Decode(byte[] file)
    {
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (!file.AsSpan(0, 8).SequenceEqual(signature))
            throw new InvalidDataException("not a PNG file");
        int width = 0, height = 0, colorType = 0;
        using var idat = new MemoryStream();
        int pos = 8;
        while (pos + 8 <= file.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(file, pos + 4, 4);
            var data = file.AsSpan(pos + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                if (data[8] != 8 || data[12] != 0)
                    throw new InvalidDataException("only 8-bit non-interlaced PNG is supported");
                colorType = data[9];
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }
            else if (type == "IEND")
            {
                break;
            }
            pos += 12 + length;
        }
        int bpp = colorType switch { 2 => 3, 6 => 4, _ => throw new InvalidDataException($"colour type {colorType} is not supported") };
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        byte[] bytes = raw.ToArray();
        int stride = width * bpp;
        var prev = new byte[stride];
        var cur = new byte[stride];
        var pixels = new int[width * height];
        for (int y = 0; y < height; y++)
        {
            int filter = bytes[y * (stride + 1)];
            Array.Copy(bytes, y * (stride + 1) + 1, cur, 0, stride);
            for (int i = 0; i < stride; i++)
            {
                int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
                cur[i] = (byte)(cur[i] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"filter {filter}"),
                });
            }
            for (int x = 0; x < width; x++)
                pixels[y * width + x] = cur[x * bpp] << 16 | cur[x * bpp + 1] << 8 | cur[x * bpp + 2];
            (prev, cur) = (cur, prev);
        }
        return (width, height, pixels);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
