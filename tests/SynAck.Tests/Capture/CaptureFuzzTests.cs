using CsCheck;
using SynAck.Capture;

namespace SynAck.Tests.Capture;

/// <summary>No bytes make the reader or the link layer throw.</summary>
public sealed class CaptureFuzzTests
{
    private static readonly byte[] ValidPcapNg = BuildPcapNg();
    private static readonly byte[] ValidPcap = BuildPcap();

    private static byte[] BuildPcapNg()
    {
        var ms = new MemoryStream();
        using (var w = new PcapNgWriter(ms, leaveOpen: true))
        {
            w.AddInterface(LinkType.Raw, "a");
            w.AddInterface(LinkType.Ethernet, "b");
            for (var i = 0; i < 6; i++)
                w.WritePacket(i % 2, i * 1000L, CaptureTestData.Packet(20 + i * 5, (byte)i), (PacketDirection)(i % 3));
        }
        var tail = new CaptureBytes(true).SectionHeader().InterfaceDescription(113, 64, 0x85, 3).SimplePacket(CaptureTestData.Packet(30, 9))
            .Block(4, new byte[16]).EnhancedPacket(0, 5, CaptureTestData.Packet(12, 1), flags: 2);
        return [.. ms.ToArray(), .. tail.ToArray()];
    }

    private static byte[] BuildPcap()
    {
        var ms = new MemoryStream();
        using (var w = new PcapWriter(ms, LinkType.LinuxSll2, leaveOpen: true))
        {
            for (var i = 0; i < 6; i++)
                w.WritePacket(i * 1000L, CaptureTestData.Packet(20 + i * 5, (byte)i));
        }
        return ms.ToArray();
    }

    /// <summary>Reads everything, also stripping link headers; returns the number of records.</summary>
    private static long Drain(byte[] bytes)
    {
        using var reader = CaptureReader.Open(new MemoryStream(bytes));
        while (reader.TryReadNext(out var r))
        {
            LinkLayer.TryGetIpPacket(r.LinkType, r.Data.Span, out _);
            foreach (var type in Enum.GetValues<LinkType>())
                LinkLayer.TryGetIpPacket(type, r.Data.Span, out _);
        }
        Assert.True(reader.Error is null || reader.Error.Offset <= reader.BytesRead);
        return reader.FramesRead;
    }

    [Fact]
    public void RandomBytesNeverThrow()
        => Gen.Byte.Array[0, 600].Sample(bytes => { Drain(bytes); }, iter: 20_000);

    [Fact]
    public void RandomBytesBehindAValidMagicNeverThrow()
    {
        byte[][] magics = [ValidPcapNg[..12], ValidPcap[..24], [0x0A, 0x0D, 0x0D, 0x0A], [0xA1, 0xB2, 0x3C, 0x4D]];
        Gen.Select(Gen.Int[0, magics.Length - 1], Gen.Byte.Array[0, 400])
            .Sample((m, tail) => { Drain([.. magics[m], .. tail]); }, iter: 20_000);
    }

    [Fact]
    public void MutatedValidFilesNeverThrow()
    {
        var gen = Gen.Select(Gen.Bool, Gen.Int[1, 8].SelectMany(n => Gen.Select(Gen.Int, Gen.Byte).Array[n]), Gen.Int[0, int.MaxValue]);
        gen.Sample((usePcapNg, edits, cut) =>
        {
            var file = (usePcapNg ? ValidPcapNg : ValidPcap).ToArray();
            foreach (var (at, value) in edits)
                file[(int)((uint)at % file.Length)] = value;
            file = file[..(cut % (file.Length + 1))];
            Drain(file);
        }, iter: 20_000);
    }

    [Fact]
    public void RandomFramesThroughTheLinkLayerNeverThrow()
        => Gen.Select(Gen.UInt[0, 300], Gen.Byte.Array[0, 80]).Sample((type, frame) =>
        {
            if (LinkLayer.TryGetIpPacket((LinkType)type, frame, out var ip))
                Assert.True(ip.Length > 0 && ip[0] >> 4 is 4 or 6);
        }, iter: 20_000);

    [Fact]
    public void UnmutatedFilesReadCompletely()
    {
        Assert.Equal(8, Drain(ValidPcapNg));
        Assert.Equal(6, Drain(ValidPcap));
    }
}
