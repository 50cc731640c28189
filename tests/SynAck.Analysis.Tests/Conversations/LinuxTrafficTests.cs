using SynAck.Analysis.Conversations;

namespace SynAck.Analysis.Tests.Conversations;

/// <summary>
/// The Linux kernel's own TCP, captured by tcpdump in a private namespace (see linux_scenarios.py): SynAck's
/// verdict for each lifecycle scenario, and its stream numbers, completeness and expert flags against tshark's.
/// </summary>
public sealed class LinuxTrafficTests
{
    private static (LinuxScenarioCapture Capture, CaptureAnalysis Analysis) Analyze()
    {
        var capture = LinuxScenarioCapture.Get();
        using var file = File.OpenRead(capture.Path);
        var analysis = CaptureAnalysis.Analyze(file, new AnalyzerOptions { LadderSegmentLimit = 10_000 });
        Assert.Null(analysis.Error);
        return (capture, analysis);
    }

    private static TcpConnection Scenario(string name, int index = 0)
    {
        var (capture, analysis) = Analyze();
        int port = capture.Ports[name];
        var matches = analysis.Connections.Where(c => c.Originator.Port == port).ToList();
        Assert.True(matches.Count > index, $"no connection from client port {port} for {name}");
        return matches[index];
    }

    [Fact]
    public void Client_closing_first_is_a_clean_close_with_the_client_holding_time_wait()
    {
        var c = Scenario("client_close");
        Assert.Equal("SF", c.ConnState);
        Assert.Equal(ConnectionEndKind.Fin, c.EndKind);
        Assert.Equal(ConnectionSide.Originator, c.ActiveCloser);
        Assert.Equal(c.Originator, c.TimeWaitHolder);
        Assert.True(c.FinalAckSeen);
        Assert.False(c.Midstream);
        Assert.Equal(5, c.OriginatorBytes);
        Assert.Equal(5, c.ResponderBytes);
        Assert.Equal("ShADadFf", c.History);
        Assert.Equal(31, c.Completeness);
        Assert.NotNull(c.InitialRtt);
        Assert.Equal(0, c.SynRetransmissions);
    }

    [Fact]
    public void Server_closing_first_puts_time_wait_on_the_server()
    {
        var c = Scenario("server_close");
        Assert.Equal("SF", c.ConnState);
        Assert.Equal(ConnectionSide.Responder, c.ActiveCloser);
        Assert.Equal(c.Responder, c.TimeWaitHolder);
        Assert.True(c.FinalAckSeen);
        Assert.Equal(7, c.OriginatorBytes);
        Assert.Equal(3, c.ResponderBytes);
    }

    [Fact]
    public void So_linger_zero_on_the_client_is_a_reset_by_the_originator_in_mid_stream()
    {
        var c = Scenario("linger_reset");
        Assert.Equal("RSTO", c.ConnState);
        Assert.Equal(ConnectionEndKind.Rst, c.EndKind);
        Assert.Equal(ConnectionSide.Originator, c.ResetBy);
        Assert.Equal(ResetPhase.MidStream, c.ResetPhase);
        Assert.True(c.ResetInWindow);
        Assert.Null(c.ActiveCloser);
        Assert.EndsWith("R", c.History, StringComparison.Ordinal);
    }

    [Fact]
    public void Connecting_to_a_closed_port_is_rejected()
    {
        var c = Scenario("refused");
        Assert.Equal("REJ", c.ConnState);
        Assert.Equal("Sr", c.History);
        Assert.Equal(ConnectionSide.Responder, c.ResetBy);
        Assert.Equal(ResetPhase.Handshake, c.ResetPhase);
        Assert.True(c.ResetInWindow);
        Assert.Equal(1 | 4 | 32, c.Completeness);
        Assert.Contains("refused", c.EndDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void Half_close_shows_the_time_between_the_two_fins_and_data_after_the_first()
    {
        var c = Scenario("half_close");
        Assert.Equal("SF", c.ConnState);
        Assert.Equal(ConnectionSide.Originator, c.ActiveCloser);
        Assert.NotNull(c.HalfCloseTime);
        // The server waits 50 ms after the client's FIN before it answers and closes.
        Assert.True(c.HalfCloseTime!.Value.TotalMilliseconds >= 45, $"half-close lasted {c.HalfCloseTime}");
        Assert.True(c.ResponderBytes > 20);
        var afterFin = c.Segments.Where(s => s.From == ConnectionSide.Responder && s.Summary.Length > 0 && s.At > c.FirstFinTime!.Value);
        Assert.NotEmpty(afterFin);
    }

    [Fact]
    public void Reusing_a_four_tuple_in_time_wait_starts_a_new_stream_flagged_as_reused_ports()
    {
        var first = Scenario("reuse0", 0);
        var second = Scenario("reuse1", 1);
        Assert.Equal(first.Originator, second.Originator);
        Assert.Equal(first.Responder, second.Responder);
        Assert.Equal(first.Stream + 1, second.Stream);
        Assert.Equal(ConnectionSide.Responder, first.ActiveCloser);
        Assert.True(second.ReusedTuple);
        Assert.True(second.SynDuringTimeWait);
        Assert.Equal(1, second.Expert[TcpExpertFlags.ReusedPorts]);
        Assert.True(second.PreviousOnTupleEndedAgo!.Value.TotalSeconds < 60);
        var (_, analysis) = Analyze();
        Assert.True(analysis.Summary.SynsDuringTimeWait >= 1);
        Assert.True(analysis.Summary.TupleReusedWithinWindow >= 1);
    }

    [Fact]
    public void A_server_resetting_right_after_accept_is_a_responder_reset_after_the_handshake()
    {
        var c = Scenario("server_reset");
        Assert.Equal("RSTR", c.ConnState);
        Assert.Equal(ConnectionSide.Responder, c.ResetBy);
        Assert.Equal(ResetPhase.AfterHandshake, c.ResetPhase);
        Assert.Equal(0, c.OriginatorBytes + c.ResponderBytes);
    }

    [Fact]
    public void An_unanswered_syn_is_s0_with_its_retransmissions_and_their_intervals()
    {
        var c = Scenario("unanswered");
        Assert.Equal("S0", c.ConnState);
        Assert.Equal("S", c.History);
        Assert.True(c.SynCount >= 3, $"{c.SynCount} SYNs");
        Assert.Equal(c.SynCount - 1, c.SynIntervals.Count);
        // Linux's initial RTO is 1 s; later retries wait at least as long.
        Assert.All(c.SynIntervals, d => Assert.True(d.TotalSeconds > 0.9, $"interval {d}"));
        Assert.Null(c.SynAckTime);
        var (_, analysis) = Analyze();
        Assert.True(analysis.Summary.UnansweredSynConnections >= 1);
        Assert.Equal(c.SynCount - 1, c.Expert[TcpExpertFlags.Retransmission]);
    }

    [Fact]
    public void Stream_numbers_of_every_frame_equal_tsharks()
    {
        var (capture, analysis) = Analyze();
        var ours = analysis.Connections.SelectMany(c => c.Segments.Select(s => (s.Frame, c.Stream))).ToDictionary(p => p.Frame, p => p.Stream);
        var theirs = TsharkExpertFrame.Read(capture.Path);
        Assert.NotEmpty(theirs);
        foreach (var f in theirs)
            Assert.True(ours.TryGetValue(f.Frame, out long s) && s == f.Stream, $"frame {f.Frame}: tshark stream {f.Stream}, SynAck {(ours.TryGetValue(f.Frame, out long x) ? x : -1)}");
        Assert.Equal(theirs.Count, ours.Count);
    }

    [Fact]
    public void Completeness_of_every_stream_equals_tsharks()
    {
        var (capture, analysis) = Analyze();
        var theirs = TsharkExpertFrame.Read(capture.Path).GroupBy(f => f.Stream).ToDictionary(g => g.Key, g => g.Max(f => f.Completeness));
        Assert.Equal(theirs.Count, analysis.Connections.Count);
        foreach (var c in analysis.Connections)
            Assert.True(theirs[c.Stream] == c.Completeness, $"stream {c.Stream}: tshark {theirs[c.Stream]}, SynAck {c.Completeness}");
    }

    [Fact]
    public void Expert_flags_of_every_frame_equal_tsharks()
    {
        var (capture, analysis) = Analyze();
        var ours = analysis.Connections.SelectMany(c => c.Segments).ToDictionary(s => s.Frame, s => s.Expert);
        foreach (var f in TsharkExpertFrame.Read(capture.Path))
            Assert.True(ours[f.Frame] == f.Flags, $"frame {f.Frame}: tshark {f.Flags}, SynAck {ours[f.Frame]}");
        foreach (var c in analysis.Connections)
            Assert.Equal(c.Segments.Count(s => s.Expert != TcpExpertFlags.None), c.Expert.FlaggedSegments);
    }
}
