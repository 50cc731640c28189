using SynAck.Analysis.Conversations;
using SynAck.Wire;

namespace SynAck.Analysis.Tests.Conversations;

/// <summary>Exact situations built segment by segment: Zeek states and history rules, Wireshark verdicts, summary counts.</summary>
public sealed class SyntheticVerdictTests
{
    private const TcpFlags A = TcpFlags.Ack;
    private const TcpFlags PA = TcpFlags.Psh | TcpFlags.Ack;
    private const TcpFlags FA = TcpFlags.Fin | TcpFlags.Ack;

    [Fact]
    public void Syn_then_reset_from_the_originator_before_any_answer_is_rstos0()
    {
        var c = new SyntheticCapture().Add(0, true, TcpFlags.Syn, 1000, 0).Add(5, true, TcpFlags.Rst, 1001, 0).Analyze().Connections.Single();
        Assert.Equal("RSTOS0", c.ConnState);
        Assert.Equal("SR", c.History);
        Assert.Equal(ResetPhase.Handshake, c.ResetPhase);
    }

    [Fact]
    public void A_syn_ack_seen_first_flips_the_roles_and_a_reset_from_its_sender_is_rstrh()
    {
        var c = new SyntheticCapture().Add(0, false, TcpFlags.Syn | TcpFlags.Ack, 5000, 1001).Add(5, false, TcpFlags.Rst, 5001, 0).Analyze().Connections.Single();
        Assert.Equal(SyntheticCapture.Client, c.Originator.Address);
        Assert.True(c.Midstream);
        Assert.Equal("RSTRH", c.ConnState);
        Assert.Equal("^hr", c.History);
    }

    [Fact]
    public void One_fin_only_is_s2_or_s3_by_who_sent_it()
    {
        var s2 = new SyntheticCapture().Handshake().Add(30, true, FA, 1001, 5001).Analyze().Connections.Single();
        Assert.Equal("S2", s2.ConnState);
        Assert.Equal(ConnectionEndKind.Open, s2.EndKind);
        var s3 = new SyntheticCapture().Handshake().Add(30, false, FA, 5001, 1001).Analyze().Connections.Single();
        Assert.Equal("S3", s3.ConnState);
    }

    [Fact]
    public void Midstream_data_without_syn_is_oth_and_marked_midstream()
    {
        var c = new SyntheticCapture().Add(0, true, PA, 1001, 5001, length: 10).Add(1, false, A, 5001, 1011).Analyze().Connections.Single();
        Assert.Equal("OTH", c.ConnState);
        Assert.True(c.Midstream);
        Assert.Equal("Da", c.History);
    }

    [Fact]
    public void Letters_a_and_d_appear_once_per_direction_and_repeated_syns_with_the_same_seq_once()
    {
        var cap = new SyntheticCapture().Add(0, true, TcpFlags.Syn, 1000, 0).Add(1000, true, TcpFlags.Syn, 1000, 0)
            .Add(1010, false, TcpFlags.Syn | TcpFlags.Ack, 5000, 1001).Add(1020, true, A, 1001, 5001);
        for (int i = 0; i < 5; i++)
            cap.Add(1030 + i, true, PA, 1001 + (uint)(i * 10), 5001, length: 10).Add(1030.5 + i, false, A, 5001, 1011 + (uint)(i * 10));
        var c = cap.Analyze().Connections.Single();
        Assert.Equal("ShAD", c.History[..4]);
        Assert.Equal(1, c.History.Count(ch => ch == 'S'));
        Assert.Equal(1, c.History.Count(ch => ch == 'D'));
        Assert.Equal(2, c.SynCount);
        Assert.Equal(1000, c.SynIntervals.Single().TotalMilliseconds, 3);
        Assert.Equal(1010, c.SynToSynAck!.Value.TotalMilliseconds, 3);
        // Wireshark: the iRTT runs from the latest SYN to the first ACK.
        Assert.Equal(20, c.InitialRtt!.Value.TotalMilliseconds, 3);
        Assert.Equal(1, c.Expert[TcpExpertFlags.Retransmission]);
    }

    [Fact]
    public void Retransmitted_payload_is_recorded_logarithmically_as_t()
    {
        var cap = new SyntheticCapture().Handshake().Add(30, true, PA, 1001, 5001, length: 10);
        for (int i = 0; i < 12; i++)
            cap.Add(100 + i * 100, true, PA, 1001, 5001, length: 10);
        var c = cap.Analyze().Connections.Single();
        // The 1st and the 10th retransmission leave a 'T'; the 11th and 12th do not.
        Assert.Equal(2, c.History.Count(ch => ch == 'T'));
        Assert.Equal(12, c.Expert[TcpExpertFlags.Retransmission]);
    }

    [Fact]
    public void Duplicate_acks_then_the_missing_segment_within_20_ms_is_a_fast_retransmission()
    {
        var cap = new SyntheticCapture().Handshake()
            .Add(30, true, PA, 1001, 5001, length: 100)      // lost on the way: the capture sees it, the server does not
            .Add(31, true, PA, 1101, 5001, length: 100)
            .Add(32, false, A, 5001, 1001)
            .Add(33, true, PA, 1201, 5001, length: 100)
            .Add(34, false, A, 5001, 1001)
            .Add(35, false, A, 5001, 1001)
            .Add(36, true, PA, 1001, 5001, length: 100);
        var c = cap.Analyze().Connections.Single();
        // Wireshark counts the first ACK repeating the SYN-ACK's ACK number as a duplicate too.
        Assert.Equal(3, c.Expert[TcpExpertFlags.DuplicateAck]);
        Assert.Equal(1, c.Expert[TcpExpertFlags.FastRetransmission]);
        Assert.Equal(1, c.Expert[TcpExpertFlags.Retransmission]);
    }

    [Fact]
    public void A_gap_in_sequence_numbers_is_previous_segment_not_captured_and_its_ack_is_acked_unseen()
    {
        var c = new SyntheticCapture().Handshake()
            .Add(30, true, PA, 1101, 5001, length: 100)
            .Add(31, false, A, 5001, 1201).Analyze().Connections.Single();
        Assert.Equal(1, c.Expert[TcpExpertFlags.PreviousSegmentNotCaptured]);
        Assert.Equal(1, c.Expert[TcpExpertFlags.AckedUnseenSegment]);
        Assert.Contains('G', c.History);
    }

    [Fact]
    public void Zero_window_probe_and_keep_alive_are_told_apart()
    {
        var c = new SyntheticCapture().Handshake()
            .Add(30, true, PA, 1001, 5001, length: 10)
            .Add(31, false, A, 5001, 1011, window: 0)
            .Add(500, true, A, 1011, 5001, length: 1)
            .Add(501, false, A, 5001, 1011, window: 0)
            .Add(600, false, A, 5001, 1011, window: 1000)
            .Add(5000, true, A, 1010, 5001)
            .Add(5001, false, A, 5001, 1011, window: 1000).Analyze().Connections.Single();
        Assert.Equal(2, c.Expert[TcpExpertFlags.ZeroWindow]);
        Assert.Equal(1, c.Expert[TcpExpertFlags.ZeroWindowProbe]);
        Assert.Equal(1, c.Expert[TcpExpertFlags.ZeroWindowProbeAck]);
        Assert.Equal(1, c.Expert[TcpExpertFlags.WindowUpdate]);
        Assert.Equal(1, c.Expert[TcpExpertFlags.KeepAlive]);
        Assert.Equal(1, c.Expert[TcpExpertFlags.KeepAliveAck]);
        Assert.Contains('w', c.History);
    }

    [Fact]
    public void Fin_then_reset_is_its_own_end_and_the_reset_outside_the_window_is_noticed()
    {
        var c = new SyntheticCapture().Handshake()
            .Add(30, false, FA, 5001, 1001)
            .Add(31, true, A, 1001, 5002)
            .Add(40, true, TcpFlags.Rst, 900_000, 0).Analyze().Connections.Single();
        Assert.Equal(ConnectionEndKind.FinThenRst, c.EndKind);
        Assert.Equal(ResetPhase.AfterFin, c.ResetPhase);
        Assert.False(c.ResetInWindow);
        Assert.Equal(9, c.ResetAfterIdle!.Value.TotalMilliseconds, 3);
    }

    [Fact]
    public void Summary_counts_time_wait_holders_reuse_and_resets()
    {
        var cap = new SyntheticCapture();
        for (int i = 0; i < 3; i++)
        {
            double t = i * 1000;
            ushort port = (ushort)(40000 + i);
            cap.Handshake(t, port).Add(t + 30, true, FA, 1001, 5001, clientPort: port).Add(t + 31, false, FA, 5001, 1002, clientPort: port)
                .Add(t + 32, true, A, 1002, 5002, clientPort: port);
        }
        // The first 4-tuple again 10 s later with a new ISN: reuse inside the 60 s TIME_WAIT window.
        cap.Handshake(10_000, 40000, clientIsn: 777_000).Add(10_030, false, TcpFlags.Rst | A, 5001, 777_001);
        var a = cap.Analyze();
        Assert.Equal(4, a.Connections.Count);
        Assert.Equal([0L, 1, 2, 3], a.Connections.Select(c => c.Stream));
        var s = a.Summary;
        var holder = Assert.Single(s.TimeWaitHolders);
        Assert.Equal(SyntheticCapture.Client, holder.Host);
        Assert.Equal(3, holder.ActiveCloses);
        Assert.Equal(1, s.TupleReusedWithinWindow);
        Assert.Equal(1, s.SynsDuringTimeWait);
        Assert.Equal(1, s.ResetByResponder);
        Assert.Equal(4, s.Handshake.Count);
        Assert.Equal(10, s.Handshake.P50!.Value.TotalMilliseconds, 3);
        Assert.True(a.Connections[3].ReusedTuple);
    }

    [Fact]
    public void Finished_connections_are_emitted_while_reading_so_memory_stays_bounded()
    {
        var cap = new SyntheticCapture();
        for (int i = 0; i < 200; i++)
        {
            double t = i * 1000;
            ushort port = (ushort)(20000 + i);
            cap.Handshake(t, port).Add(t + 30, true, FA, 1001, 5001, clientPort: port).Add(t + 31, false, FA, 5001, 1002, clientPort: port)
                .Add(t + 32, true, A, 1002, 5002, clientPort: port);
        }
        int maxActive = 0;
        var analyzer = new ConversationAnalyzer(new AnalyzerOptions(), _ => { });
        using var reader = SynAck.Capture.CaptureReader.Open(new MemoryStream(cap.Bytes()));
        while (reader.TryReadNext(out var r))
        {
            analyzer.Add(r);
            maxActive = Math.Max(maxActive, analyzer.ActiveConnections);
        }
        // One connection a second, each finished 4 s (the close linger) after its end.
        Assert.InRange(maxActive, 1, 8);
        analyzer.Complete();
        Assert.Equal(200, analyzer.Summary.Connections);
    }

    [Fact]
    public void Verdicts_on_the_synthetic_situations_equal_tsharks()
    {
        Requirement.Tools("tshark");
        var cap = new SyntheticCapture().Handshake()
            .Add(30, true, PA, 1001, 5001, length: 100).Add(31, true, PA, 1101, 5001, length: 100).Add(32, false, A, 5001, 1001)
            .Add(33, true, PA, 1201, 5001, length: 100).Add(34, false, A, 5001, 1001).Add(35, false, A, 5001, 1001)
            .Add(36, true, PA, 1001, 5001, length: 100).Add(37, false, A, 5001, 1301)
            .Add(38, true, PA, 1401, 5001, length: 100).Add(39, false, A, 5001, 1601)
            .Add(40, true, PA, 1301, 5001, length: 100)
            .Add(50, false, A, 5001, 1601, window: 0).Add(500, true, A, 1601, 5001, length: 1).Add(501, false, A, 5001, 1601, window: 0)
            .Add(600, false, A, 5001, 1601, window: 1000).Add(5000, true, A, 1600, 5001).Add(5001, false, A, 5001, 1601, window: 1000)
            .Add(6000, true, PA, 1201, 5001, length: 100)
            .Add(7000, true, FA, 1601, 5001).Add(7001, false, FA, 5001, 1602).Add(7002, true, A, 1602, 5002)
            .Handshake(9000, clientIsn: 99_000).Add(9030, true, TcpFlags.Rst, 99_001, 0);
        var path = cap.Save();
        try
        {
            var ours = cap.Analyze().Connections.SelectMany(c => c.Segments.Select(s => (s.Frame, c.Stream, s.Expert))).ToDictionary(x => x.Frame);
            foreach (var f in TsharkExpertFrame.Read(path))
            {
                Assert.Equal(f.Stream, ours[f.Frame].Stream);
                Assert.True(f.Flags == ours[f.Frame].Expert, $"frame {f.Frame}: tshark {f.Flags}, SynAck {ours[f.Frame].Expert}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// What a SACK sender produces: duplicate ACKs whose window changes as the receiver buffers out-of-order data
    /// (only a new ACK number ends the run, so the resend is still a fast retransmission), and a FIN resent before
    /// the first RTT is over (its end counts the FIN, so it is a retransmission, not out of order).
    /// </summary>
    [Fact]
    public void Fast_retransmission_after_window_changing_dup_acks_and_a_quickly_resent_fin_equal_tsharks()
    {
        Requirement.Tools("tshark");
        var cap = new SyntheticCapture().Handshake()
            .Add(30, true, PA, 1001, 5001, length: 100).Add(31, true, PA, 1101, 5001, length: 100)
            .Add(32, true, PA, 1201, 5001, length: 100).Add(33, true, PA, 1301, 5001, length: 100)
            .Add(34, false, A, 5001, 1101, window: 1000).Add(35, false, A, 5001, 1101, window: 1000)
            .Add(36, false, A, 5001, 1101, window: 900).Add(37, false, A, 5001, 1101, window: 900)
            .Add(38, true, PA, 1101, 5001, length: 100).Add(39, false, A, 5001, 1401, window: 1000)
            .Add(40, true, FA, 1401, 5001).Add(42, true, FA, 1401, 5001)
            .Add(45, false, FA, 5001, 1402).Add(46, true, A, 1402, 5002);
        var path = cap.Save();
        try
        {
            var ours = cap.Analyze().Connections.SelectMany(c => c.Segments.Select(s => (s.Frame, s.Expert))).ToDictionary(x => x.Frame);
            var theirs = TsharkExpertFrame.Read(path).ToList();
            Assert.Equal(ours.Count, theirs.Count);
            foreach (var f in theirs)
                Assert.True(f.Flags == ours[f.Frame].Expert, $"frame {f.Frame}: tshark {f.Flags}, SynAck {ours[f.Frame].Expert}");
            Assert.Contains(theirs, f => (f.Flags & TcpExpertFlags.FastRetransmission) != 0);
            Assert.Equal(TcpExpertFlags.Retransmission, theirs.Single(f => f.Frame == 15).Flags);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
