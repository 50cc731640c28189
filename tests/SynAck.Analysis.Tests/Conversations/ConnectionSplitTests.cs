using SynAck.Analysis.Conversations;
using SynAck.Wire;

namespace SynAck.Analysis.Tests.Conversations;

/// <summary>
/// When one 4-tuple becomes a new connection (Zeek) or a new stream (Wireshark), and Wireshark's completeness
/// rules, each on crafted packets.
/// </summary>
public sealed class ConnectionSplitTests
{
    private const TcpFlags A = TcpFlags.Ack;
    private const TcpFlags PA = TcpFlags.Psh | TcpFlags.Ack;
    private const TcpFlags FA = TcpFlags.Fin | TcpFlags.Ack;
    private const TcpFlags RA = TcpFlags.Rst | TcpFlags.Ack;

    private static List<TcpConnection> Connections(SyntheticCapture capture)
        => [.. capture.Analyze().Connections.OrderBy(c => c.FirstFrame)];

    [Fact]
    public void A_syn_retransmitted_with_the_same_isn_during_the_handshake_stays_in_the_connection()
    {
        var c = Connections(new SyntheticCapture().Add(0, true, TcpFlags.Syn, 1000, 0).Add(1000, true, TcpFlags.Syn, 1000, 0)
            .Add(1010, false, TcpFlags.Syn | A, 5000, 1001).Add(1020, true, A, 1001, 5001)).Single();
        Assert.Equal(2, c.SynCount);
        Assert.Equal(1, c.Expert[TcpExpertFlags.Retransmission]);
    }

    [Fact]
    public void A_syn_after_a_reset_is_a_new_zeek_connection_in_the_same_wireshark_stream_even_with_the_same_isn()
    {
        // Refused, then the client tries again with the same ISN (as a connect() retry does not).
        var list = Connections(new SyntheticCapture().Add(0, true, TcpFlags.Syn, 1000, 0).Add(1, false, RA, 0, 1001)
            .Add(1000, true, TcpFlags.Syn, 1000, 0).Add(1001, false, RA, 0, 1001));
        Assert.Equal(2, list.Count);
        Assert.All(list, c => Assert.Equal("REJ", c.ConnState));
        Assert.All(list, c => Assert.Equal("Sr", c.History));
        Assert.Equal(list[0].Stream, list[1].Stream);
        // Wireshark's analysis goes on across the two records: the second SYN is its retransmission.
        Assert.Equal(1, list[1].Expert[TcpExpertFlags.Retransmission]);
        Assert.False(list[1].ReusedTuple);
    }

    [Fact]
    public void A_syn_after_both_fins_opens_a_new_connection_and_a_new_isn_a_new_stream()
    {
        var list = Connections(new SyntheticCapture().Handshake()
            .Add(30, true, FA, 1001, 5001).Add(31, false, FA, 5001, 1002).Add(32, true, A, 1002, 5002)
            .Handshake(ms: 1000, clientIsn: 90000, serverIsn: 70000));
        Assert.Equal(2, list.Count);
        Assert.Equal("SF", list[0].ConnState);
        Assert.Equal("ShA", list[1].History);
        Assert.NotEqual(list[0].Stream, list[1].Stream);
        Assert.True(list[1].ReusedTuple);
        Assert.Equal(1, list[1].Expert[TcpExpertFlags.ReusedPorts]);
        // Wireshark's reused-tuple conversation starts with the SYN bit, then adds SYN-ACK and ACK.
        Assert.Equal(1 | 2 | 4, list[1].Completeness);
    }

    [Fact]
    public void A_syn_with_a_new_isn_while_the_connection_is_open_is_a_new_connection_and_stream()
    {
        var list = Connections(new SyntheticCapture().Handshake().Add(30, true, PA, 1001, 5001, length: 10)
            .Add(40, true, TcpFlags.Syn, 424242, 0));
        Assert.Equal(2, list.Count);
        Assert.NotEqual(list[0].Stream, list[1].Stream);
        Assert.Equal("S", list[1].History);
    }

    [Fact]
    public void After_five_minutes_of_silence_the_next_segment_is_a_new_zeek_connection_but_the_same_stream()
    {
        var list = Connections(new SyntheticCapture().Handshake().Add(30, true, PA, 1001, 5001, length: 10)
            .Add(31, false, A, 5001, 1011)
            .Add(400_000, true, PA, 1011, 5001, length: 10).Add(400_001, false, A, 5001, 1021));
        Assert.Equal(2, list.Count);
        Assert.Equal(ConnectionEndKind.TimedOut, list[0].EndKind);
        Assert.Equal(list[0].Stream, list[1].Stream);
        Assert.Equal("Da", list[1].History);
        Assert.True(list[1].Midstream);
        // One Wireshark conversation: its completeness accumulates, and the resumed data is no retransmission.
        Assert.Equal(1 | 2 | 4 | 8, list[1].Completeness);
        Assert.Equal(0, list[1].Expert[TcpExpertFlags.Retransmission]);
    }

    [Fact]
    public void Completeness_counts_a_first_packet_only_when_it_is_a_syn_and_ack_or_data_only_without_syn()
    {
        // Midstream: the first packet adds nothing; the reply's ACK adds 4.
        var mid = Connections(new SyntheticCapture().Add(0, true, PA, 1001, 5001, length: 10).Add(1, false, A, 5001, 1011)).Single();
        Assert.Equal(4, mid.Completeness);
        // A SYN carrying data (TCP Fast Open) is 1 | 8.
        var tfo = Connections(new SyntheticCapture().Add(0, true, TcpFlags.Syn, 1000, 0, length: 20)).Single();
        Assert.Equal(1 | 8, tfo.Completeness);
        // A FIN without ACK adds no 16, a RST without ACK only 32.
        var bare = Connections(new SyntheticCapture().Handshake().Add(30, true, TcpFlags.Fin, 1001, 0).Add(31, false, TcpFlags.Rst, 5001, 0)).Single();
        Assert.Equal(1 | 2 | 4 | 32, bare.Completeness);
    }

    [Fact]
    public void One_byte_segments_to_a_side_never_heard_from_are_no_zero_window_probes()
    {
        // Only one direction captured (asymmetric routing): the receiver's window is unknown, not zero.
        var c = Connections(new SyntheticCapture().Add(0, true, PA, 1001, 5001, length: 1).Add(1, true, PA, 1002, 5001, length: 1)
            .Add(2, true, PA, 1003, 5001, length: 1)).Single();
        Assert.Equal(0, c.Expert[TcpExpertFlags.ZeroWindowProbe]);
    }

    [Fact]
    public void A_syn_without_window_scaling_makes_both_windows_unscaled_even_when_the_syn_ack_is_missing()
    {
        // The SYN-ACK was not captured; the server's 100-byte window is known unscaled, so 100 bytes fill it.
        var c = Connections(new SyntheticCapture().Add(0, true, TcpFlags.Syn, 1000, 0).Add(20, false, A, 5001, 1001, window: 100)
            .Add(21, true, PA, 1001, 5001, length: 100)).Single();
        Assert.Equal(1, c.Expert[TcpExpertFlags.WindowFull]);
    }

    [Fact]
    public void An_ipv4_total_length_of_zero_is_read_as_the_frames_length()
    {
        // Captured on the sender before TCP segmentation offload filled in the length.
        var cap = new SyntheticCapture { Mangle = (p, fromClient) => { if (fromClient && p.Length > 60) { p[2] = 0; p[3] = 0; } } };
        var c = Connections(cap.Handshake().Add(30, true, PA, 1001, 5001, length: 1400)).Single();
        Assert.Equal(1400, c.OriginatorBytes);
        Assert.Equal(3, c.OriginatorPackets);
    }

    [Fact]
    public void An_ipv6_jumbogram_is_read_as_long_as_the_frame()
    {
        // RFC 2675 as Linux BIG TCP sends it: payload length 0, a hop-by-hop header with the Jumbo Payload option.
        var buffer = new byte[2048];
        var h = new TcpHeaderFields { SourcePort = 40000, DestinationPort = 80, Seq = new SeqNum(1001), Ack = new SeqNum(5001), Flags = PA, Window = 1000 };
        int n = IpPacket.WriteTcp(buffer, IpAddress.Parse("2001:db8::1"), IpAddress.Parse("2001:db8::2"), h, new byte[1000]);
        var packet = buffer[..n];
        int jumbo = n - 40 + 8;
        byte[] hopByHop = [(byte)IpProtocol.Tcp, 0, 0xC2, 4, (byte)(jumbo >> 24), (byte)(jumbo >> 16), (byte)(jumbo >> 8), (byte)jumbo];
        byte[] frame = [.. packet[..40], .. hopByHop, .. packet[40..]];
        frame[4] = 0;
        frame[5] = 0;
        frame[6] = (byte)IpProtocol.HopByHop;
        var stream = new MemoryStream();
        using (var writer = new SynAck.Capture.PcapWriter(stream, SynAck.Capture.LinkType.Raw, nanosecond: true, leaveOpen: true))
            writer.WritePacket(1_700_000_000_000_000_000L, frame);
        stream.Position = 0;
        var c = CaptureAnalysis.Analyze(stream).Connections.Single();
        Assert.Equal(1000, c.OriginatorBytes);
        Assert.Equal(frame.Length, c.OriginatorIpBytes);
    }

    [Fact]
    public void The_first_fragment_of_a_tcp_packet_is_read_for_its_header_without_sequence_analysis()
    {
        // More-fragments set, offset 0: the TCP header is there, the rest of the packet is not.
        var cap = new SyntheticCapture { Mangle = (p, _) => p[6] |= 0x20 };
        var analysis = cap.Add(0, true, TcpFlags.Syn, 1000, 0).Add(5, true, TcpFlags.Syn, 1000, 0).Analyze();
        var c = analysis.Connections.Single();
        Assert.Equal(1, c.Completeness);
        Assert.Equal(2, c.OriginatorPackets);
        Assert.Equal(0, c.Expert[TcpExpertFlags.Retransmission]);
        Assert.Equal(2, analysis.Summary.Packets.Fragments);
    }
}
