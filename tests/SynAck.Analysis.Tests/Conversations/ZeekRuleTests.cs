using SynAck.Analysis.Conversations;
using SynAck.Wire;

namespace SynAck.Analysis.Tests.Conversations;

/// <summary>
/// Zeek's rules, each on crafted packets: who is the originator of a connection seen without its SYN (likely server
/// ports, the late flip after a SYN-ACK), which letters a segment adds to the history, and Zeek's 1, 10, 100...
/// repetition counts for t, w, c.
/// </summary>
public sealed class ZeekRuleTests
{
    private const TcpFlags A = TcpFlags.Ack;
    private const TcpFlags PA = TcpFlags.Psh | TcpFlags.Ack;
    private const TcpFlags SA = TcpFlags.Syn | TcpFlags.Ack;

    [Fact]
    public void Data_first_from_a_likely_server_port_makes_its_receiver_the_originator()
    {
        // The server (port 80) speaks first; Zeek turns the connection around: the client is the originator.
        var c = new SyntheticCapture().Add(0, false, PA, 5001, 1001, length: 10).Add(1, true, A, 1001, 5011).Analyze().Connections.Single();
        Assert.Equal(SyntheticCapture.Client, c.Originator.Address);
        Assert.Equal((ushort)80, c.Responder.Port);
        Assert.Equal("^dA", c.History);
        Assert.Equal(10, c.ResponderBytes);
    }

    [Fact]
    public void Data_first_between_two_unlikely_ports_keeps_the_first_sender_as_originator()
    {
        var c = new SyntheticCapture().Add(0, false, PA, 5001, 1001, length: 10, serverPort: 7000)
            .Add(1, true, A, 1001, 5011, serverPort: 7000).Analyze().Connections.Single();
        Assert.Equal(SyntheticCapture.Server, c.Originator.Address);
        Assert.Equal("Da", c.History);
    }

    [Fact]
    public void When_both_ports_are_likely_the_lower_one_is_taken_for_the_server()
    {
        // From 80 to 443: 80 is lower, so its sender is the server and the connection is turned around.
        var flipped = new SyntheticCapture().Add(0, false, PA, 5001, 1001, length: 10, clientPort: 443).Analyze().Connections.Single();
        Assert.Equal((ushort)80, flipped.Responder.Port);
        Assert.StartsWith("^", flipped.History, StringComparison.Ordinal);
        // From 443 to 80: the sender's port is the higher one, so it stays the originator.
        var kept = new SyntheticCapture().Add(0, false, PA, 5001, 1001, length: 10, clientPort: 443, serverPort: 8080).Analyze().Connections.Single();
        Assert.Equal((ushort)8080, kept.Originator.Port);
        Assert.Equal("D", kept.History);
    }

    [Fact]
    public void A_syn_ack_from_an_unlikely_port_is_turned_around_only_once_an_ack_or_data_follows()
    {
        // A SYN-ACK answered by a reset stays as it is (a stealth scan: the SYN-ACK's sender is the originator).
        var scan = new SyntheticCapture().Add(0, false, SA, 5000, 1001, serverPort: 7000).Add(1, true, TcpFlags.Rst, 1001, 0, serverPort: 7000)
            .Analyze().Connections.Single();
        Assert.Equal(SyntheticCapture.Server, scan.Originator.Address);
        Assert.Equal("Hr", scan.History);

        // An ACK after the SYN-ACK shows a real connection: Zeek flips it then, and the history reads "^h" first.
        var real = new SyntheticCapture().Add(0, false, SA, 5000, 1001, serverPort: 7000).Add(1, true, A, 1001, 5001, serverPort: 7000)
            .Add(2, true, PA, 1001, 5001, length: 20, serverPort: 7000).Analyze().Connections.Single();
        Assert.Equal(SyntheticCapture.Client, real.Originator.Address);
        Assert.Equal("^hAD", real.History);
        Assert.Equal(2, real.OriginatorPackets);
        Assert.Equal(1, real.ResponderPackets);
        Assert.Equal(1, real.SynAckCount);
    }

    [Fact]
    public void A_segment_with_two_of_syn_fin_rst_is_only_q_and_fin_with_data_is_only_f()
    {
        var c = new SyntheticCapture().Handshake()
            .Add(30, true, TcpFlags.Fin | PA, 1001, 5001, length: 10)
            .Add(40, false, TcpFlags.Syn | TcpFlags.Fin | A, 5000, 1012)
            .Analyze().Connections.Single();
        // Data riding on the FIN adds no 'D'; the SYN+FIN adds neither 'h'/'s' nor 'f'.
        Assert.Equal("ShAFq", c.History);
    }

    [Fact]
    public void A_fin_is_repeated_in_the_history_only_when_the_sequence_number_after_its_data_changes()
    {
        var c = new SyntheticCapture().Handshake()
            .Add(30, true, TcpFlags.Fin | A, 1001, 5001)
            .Add(40, true, TcpFlags.Fin | A, 1001, 5001)
            .Add(50, true, TcpFlags.Fin | PA, 991, 5001, length: 10)
            .Add(60, true, TcpFlags.Fin | PA, 1001, 5001, length: 5)
            .Analyze().Connections.Single();
        // The first three FINs all sit at sequence 1001 (after their data); the fourth at 1006. The third one's
        // data ends where the first FIN did: Zeek counts it as a retransmission too.
        Assert.Equal("ShAFTF", c.History);
    }

    [Fact]
    public void Retransmissions_are_data_not_reaching_past_the_highest_sequence_sent_and_repeat_at_1_10_100()
    {
        var cap = new SyntheticCapture().Handshake().Add(30, true, PA, 1001, 5001, length: 100);
        for (int i = 0; i < 10; i++)
            cap.Add(40 + i, true, PA, 1001, 5001, length: 100);
        // Overlapping the end of what was sent and going past it is new data to Zeek, not a retransmission.
        cap.Add(60, true, PA, 1051, 5001, length: 100);
        var c = cap.Analyze().Connections.Single();
        Assert.Equal("ShADTT", c.History);
    }

    [Fact]
    public void Zero_windows_count_1_10_100_but_not_on_resets_nor_after_the_peer_closed()
    {
        var cap = new SyntheticCapture().Handshake();
        for (int i = 0; i < 10; i++)
            cap.Add(30 + i, false, A, 5001, 1001, window: 0);
        var c = cap.Analyze().Connections.Single();
        Assert.Equal("ShAaww", c.History);

        var afterFin = new SyntheticCapture().Handshake().Add(30, true, TcpFlags.Fin | A, 1001, 5001)
            .Add(31, false, A, 5001, 1002, window: 0).Add(32, false, TcpFlags.Rst, 5001, 0, window: 0).Analyze().Connections.Single();
        Assert.DoesNotContain('w', afterFin.History);
    }

    [Fact]
    public void A_hole_the_peer_acknowledges_is_a_content_gap_counted_in_missed_bytes_unless_filled_first()
    {
        // 1101..1200 never captured; the server acknowledges past it.
        var gap = new SyntheticCapture().Handshake().Add(30, true, PA, 1001, 5001, length: 100)
            .Add(31, true, PA, 1201, 5001, length: 100).Add(32, false, A, 5001, 1301).Analyze().Connections.Single();
        Assert.Equal(100, gap.MissedBytes);
        Assert.Equal("ShADaG", gap.History);

        // The missing segment arrives (reordered) before the acknowledgment: no gap.
        var filled = new SyntheticCapture().Handshake().Add(30, true, PA, 1001, 5001, length: 100)
            .Add(31, true, PA, 1201, 5001, length: 100).Add(32, true, PA, 1101, 5001, length: 100)
            .Add(33, false, A, 5001, 1301).Analyze().Connections.Single();
        Assert.Equal(0, filled.MissedBytes);
        Assert.DoesNotContain('G', filled.History);

        // The last segment is missing: acknowledged data past the highest seen is a gap too, the FIN's octet is not.
        var tail = new SyntheticCapture().Handshake().Add(30, true, PA, 1001, 5001, length: 100)
            .Add(31, true, TcpFlags.Fin | A, 1201, 5001).Add(32, false, A, 5001, 1202).Analyze().Connections.Single();
        Assert.Equal(100, tail.MissedBytes);
    }

    [Fact]
    public void Zeeks_byte_counts_come_from_the_sequence_space_so_retransmitted_bytes_count_once_and_missed_ones_too()
    {
        var c = new SyntheticCapture().Handshake().Add(30, true, PA, 1001, 5001, length: 100).Add(31, true, PA, 1001, 5001, length: 100)
            .Add(32, true, PA, 1201, 5001, length: 100).Add(33, false, A, 5001, 1301)
            .Add(34, true, TcpFlags.Fin | A, 1301, 5001).Add(35, false, TcpFlags.Fin | A, 5001, 1302).Add(36, true, A, 1302, 5002)
            .Analyze().Connections.Single();
        Assert.Equal(300, c.OriginatorBytes);
        Assert.Equal(300, c.ZeekOriginatorBytes);
        Assert.Equal(100, c.MissedBytes);
        Assert.Equal(0, c.ZeekResponderBytes);

        var retransmitted = new SyntheticCapture().Handshake().Add(30, true, PA, 1001, 5001, length: 100).Add(40, true, PA, 1001, 5001, length: 100)
            .Add(41, false, A, 5001, 1101).Analyze().Connections.Single();
        Assert.Equal(200, retransmitted.OriginatorBytes);
        Assert.Equal(100, retransmitted.ZeekOriginatorBytes);
    }

    [Fact]
    public void Bad_checksums_count_1_10_100_when_verification_is_asked_for()
    {
        var cap = new SyntheticCapture { Mangle = (p, fromClient) => { if (!fromClient && p.Length > 40) p[^1] ^= 0x5A; } }
            .Handshake().Add(30, true, PA, 1001, 5001, length: 10);
        for (int i = 0; i < 10; i++)
            cap.Add(40 + i, false, PA, 5001 + (uint)(i * 10), 1011, length: 10);
        var c = cap.Analyze(new AnalyzerOptions { VerifyChecksums = true }).Connections.Single();
        Assert.Equal("ShADcc", c.History);
        Assert.Equal(10, c.BadChecksums);
    }
}
