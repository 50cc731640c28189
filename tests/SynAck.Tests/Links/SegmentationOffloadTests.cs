using System.Buffers.Binary;
using SynAck.Links;
using SynAck.Wire;

namespace SynAck.Tests.Links;

/// <summary>The TUN link's software side of segmentation offload: segments joined into a GSO super-packet, and a
/// super-packet cut back into its segments, byte for byte as the kernel's own segmentation would.</summary>
public sealed class SegmentationOffloadTests
{
    private const int Mss = 1448;

    private static readonly IpAddress V4A = IpAddress.V4(198, 18, 0, 2);
    private static readonly IpAddress V4B = IpAddress.V4(198, 18, 0, 1);
    private static readonly IpAddress V6A = IpAddress.Parse("2001:2::2");
    private static readonly IpAddress V6B = IpAddress.Parse("2001:2::1");

    /// <summary>Segment <paramref name="index"/> of a flow: ACK, timestamps, payload bytes that name their offset.</summary>
    private static byte[] Segment(bool v6, int index, int length, TcpFlags flags = TcpFlags.Ack, uint ack = 5000, uint? seq = null)
    {
        var payload = new byte[length];
        for (int i = 0; i < length; i++)
            payload[i] = (byte)(index * 7 + i);
        var h = new TcpHeaderFields
        {
            SourcePort = 40000,
            DestinationPort = 6000,
            Seq = new SeqNum(seq ?? 1000u + (uint)(index * Mss)),
            Ack = new SeqNum(ack),
            Flags = flags,
            Window = 2048,
            Options = new TcpOptions { HasTimestamps = true, TsVal = 77, TsEcr = 66 },
        };
        var buffer = new byte[2000];
        int n = IpPacket.WriteTcp(buffer, v6 ? V6A : V4A, v6 ? V6B : V4B, h, payload, identification: (ushort)(300 + index));
        return buffer[..n];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void JoinedSegmentsCutAgainAreTheOriginals(bool v6)
    {
        byte[][] segments = [.. Enumerable.Range(0, 4).Select(i => Segment(v6, i, Mss)), Segment(v6, 4, 500, TcpFlags.Ack | TcpFlags.Psh)];
        var coalescer = new SegmentCoalescer();
        Assert.True(coalescer.TryStart(segments[0]));
        foreach (var s in segments[1..])
            Assert.True(coalescer.TryAppend(s));
        Assert.Equal(5, coalescer.Count);

        var frame = coalescer.Finish().ToArray();
        var header = VirtioNetHeader.Read(frame);
        var super = frame[VirtioNetHeader.Size..];
        int ipHeader = v6 ? 40 : 20;
        Assert.Equal(VirtioNetHeader.FlagNeedsCsum, header.Flags);
        Assert.Equal(v6 ? VirtioNetHeader.GsoTcpV6 : VirtioNetHeader.GsoTcpV4, header.GsoType);
        Assert.Equal(Mss, header.GsoSize);
        Assert.Equal(ipHeader, header.CsumStart);
        Assert.Equal(16, header.CsumOffset);
        Assert.Equal(ipHeader + 32, header.HeaderLength);
        Assert.Equal(ipHeader + 32 + 4 * Mss + 500, super.Length);
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(super, out var ip)); // lengths (and the IPv4 header checksum) hold
        Assert.Equal(0, coalescer.Count);

        Assert.True(TcpSegmentation.TryHeaders(super, out bool isV6, out int ipLength, out int headers));
        Assert.Equal((v6, ipHeader, ipHeader + 32), (isV6, ipLength, headers));
        Assert.Equal(5, TcpSegmentation.SegmentCount(super.Length - headers, Mss));
        var cut = new byte[2000];
        for (int i = 0; i < 5; i++)
        {
            int n = TcpSegmentation.Segment(super, v6, ipLength, headers, Mss, i, cut);
            Assert.Equal(segments[i], cut[..n]);
        }
    }

    [Fact]
    public void APartialChecksumCompletedEqualsTheFullOne()
    {
        var packet = Segment(false, 0, 999);
        var partial = packet.ToArray();
        var tcpLength = packet.Length - 20;
        BinaryPrimitives.WriteUInt16BigEndian(partial.AsSpan(36), (ushort)Checksum.PseudoHeaderSum(V4A, V4B, IpProtocol.Tcp, tcpLength));
        Assert.NotEqual(packet, partial);
        Assert.True(TcpSegmentation.TryCompleteChecksum(partial, 20, 16));
        Assert.Equal(packet, partial);
        Assert.False(TcpSegmentation.TryCompleteChecksum(partial, packet.Length - 10, 16));
    }

    [Fact]
    public void OnlyAnExactContinuationJoins()
    {
        var coalescer = new SegmentCoalescer();
        Assert.False(coalescer.TryStart(Segment(false, 0, 0))); // a pure ACK carries nothing to join
        Assert.False(coalescer.TryStart(Segment(false, 0, Mss, TcpFlags.Ack | TcpFlags.Fin)));
        Assert.False(coalescer.TryStart(Segment(false, 0, Mss, TcpFlags.Syn)));
        Assert.Equal(0, coalescer.Count);

        Assert.True(coalescer.TryStart(Segment(false, 0, Mss)));
        Assert.False(coalescer.TryAppend(Segment(false, 1, Mss, ack: 5001)));                 // another ACK number
        Assert.False(coalescer.TryAppend(Segment(false, 2, Mss)));                             // a gap
        Assert.False(coalescer.TryAppend(Segment(false, 1, Mss, TcpFlags.Ack | TcpFlags.Fin))); // FIN
        Assert.False(coalescer.TryAppend(Segment(true, 1, Mss)));                              // another flow
        Assert.True(coalescer.TryAppend(Segment(false, 1, 100)));                              // short: the last one
        Assert.False(coalescer.TryAppend(Segment(false, 0, Mss, seq: 1000u + Mss + 100)));    // nothing after a short one
        Assert.Equal(2, coalescer.Count);
    }

    [Fact]
    public void OneSegmentLeavesAsItCameWithAPlainHeader()
    {
        var segment = Segment(false, 0, Mss);
        var coalescer = new SegmentCoalescer();
        Assert.True(coalescer.TryStart(segment));
        var frame = coalescer.Finish();
        Assert.Equal(new byte[VirtioNetHeader.Size], frame[..VirtioNetHeader.Size].ToArray());
        Assert.Equal(segment, frame[VirtioNetHeader.Size..].ToArray());
    }

    [Fact]
    public void NoMoreThan64KiBJoin()
    {
        var coalescer = new SegmentCoalescer();
        Assert.True(coalescer.TryStart(Segment(false, 0, Mss)));
        int joined = 1;
        while (coalescer.TryAppend(Segment(false, joined, Mss)))
            joined++;
        Assert.Equal((65535 - 52) / Mss, joined);
        Assert.True(IpPacket.TryParse(coalescer.Finish()[VirtioNetHeader.Size..], out _) == WireStatus.Ok);
    }
}
