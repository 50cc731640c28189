using SynAck.Analysis.Conversations;
using SynAck.Wire;

namespace SynAck.Analysis.Tests.Conversations;

/// <summary>Checksums never drop a segment by default: offloaded and damaged checksums are reported per connection.</summary>
public sealed class ChecksumTests
{
    private const TcpFlags PA = TcpFlags.Psh | TcpFlags.Ack;
    private const TcpFlags FA = TcpFlags.Fin | TcpFlags.Ack;

    private static SyntheticCapture Exchange(Action<Span<byte>, bool>? mangle)
    {
        var cap = new SyntheticCapture { Mangle = mangle };
        return cap.Handshake().Add(30, true, PA, 1001, 5001, length: 100).Add(31, false, PA, 5001, 1101, length: 50)
            .Add(40, true, FA, 1101, 5051).Add(41, false, FA, 5051, 1102).Add(42, true, TcpFlags.Ack, 1102, 5052);
    }

    /// <summary>What a sending host with checksum offload hands to tcpdump: IPv4 header checksum 0, TCP checksum the pseudo-header sum.</summary>
    private static void Offload(Span<byte> packet, bool fromClient)
    {
        if (!fromClient)
            return;
        packet[10] = packet[11] = 0;
        int ihl = (packet[0] & 0x0F) * 4;
        var src = IpAddress.V4(packet[12], packet[13], packet[14], packet[15]);
        var dst = IpAddress.V4(packet[16], packet[17], packet[18], packet[19]);
        ushort partial = (ushort)~Checksum.Fold(Checksum.PseudoHeaderSum(src, dst, IpProtocol.Tcp, packet.Length - ihl));
        packet[ihl + 16] = (byte)(partial >> 8);
        packet[ihl + 17] = (byte)partial;
    }

    [Fact]
    public void A_capture_on_the_offloading_sender_gives_the_same_connection_as_on_the_receiver()
    {
        var clean = Exchange(null).Analyze();
        var offloaded = Exchange(Offload).Analyze();
        var a = clean.Connections.Single();
        var b = offloaded.Connections.Single();
        Assert.Equal(a.ConnState, b.ConnState);
        Assert.Equal("SF", b.ConnState);
        Assert.Equal(a.History, b.History);
        Assert.Equal(a.OriginatorBytes, b.OriginatorBytes);
        Assert.Equal(a.Completeness, b.Completeness);
        Assert.Equal(0, offloaded.Summary.Packets.Malformed);
        Assert.Equal(0, a.OffloadedChecksums);
        Assert.Equal(b.OriginatorPackets, b.OffloadedChecksums);
        Assert.Equal(0, b.BadChecksums);
    }

    [Fact]
    public void A_damaged_tcp_checksum_is_counted_as_bad_and_the_segment_still_counts()
    {
        var analysis = Exchange((p, fromClient) =>
        {
            if (!fromClient && p.Length > 60)
                p[^1] ^= 0x5A;
        }).Analyze();
        var c = analysis.Connections.Single();
        Assert.Equal(1, c.BadChecksums);
        Assert.Equal(50, c.ResponderBytes);
        Assert.DoesNotContain('c', c.History);
        Assert.Equal(1, analysis.Summary.Packets.BadChecksums);
    }

    [Fact]
    public void With_verification_asked_for_zeek_notes_c_and_ignores_the_segment()
    {
        var c = Exchange((p, fromClient) =>
        {
            if (!fromClient && p.Length > 60)
                p[^1] ^= 0x5A;
        }).Analyze(new AnalyzerOptions { VerifyChecksums = true }).Connections.Single();
        Assert.Contains('c', c.History);
        Assert.Equal(1, c.BadChecksums);
    }

    [Fact]
    public void A_damaged_ipv4_header_checksum_no_longer_drops_the_packet()
    {
        var analysis = Exchange((p, fromClient) =>
        {
            if (fromClient)
                p[11] ^= 0x01;
        }).Analyze();
        var c = analysis.Connections.Single();
        Assert.Equal("SF", c.ConnState);
        Assert.Equal(c.OriginatorPackets, c.BadChecksums);
    }
}
