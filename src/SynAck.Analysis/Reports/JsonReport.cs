using System.Text.Json;
using SynAck.Analysis.Conversations;
using SynAck.Capture;
using SynAck.Time;

namespace SynAck.Analysis.Reports;

/// <summary>
/// Writes the analysis as JSON, streamed: connections as they finish, then the summary (schema in
/// docs/analyze-json.md, "synack.analyze/1"; names are stable, new fields may be added).
/// </summary>
public sealed class JsonReport : IDisposable
{
    public const string Schema = "synack.analyze/1";

    private readonly Utf8JsonWriter _w;
    private readonly bool _frames;

    /// <summary>Writes to a text writer (UTF-8 is encoded and decoded in small pieces; nothing is buffered whole).</summary>
    public JsonReport(TextWriter output, string file, bool includeFrames = false, bool indented = true)
        : this(new TextWriterStream(output), file, includeFrames, indented)
    {
    }

    public JsonReport(Stream output, string file, bool includeFrames = false, bool indented = true)
    {
        _w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _frames = includeFrames;
        _w.WriteStartObject();
        _w.WriteString("schema", Schema);
        _w.WriteString("file", file);
        _w.WriteStartArray("connections");
    }

    public void WriteConnection(TcpConnection c)
    {
        var w = _w;
        w.WriteStartObject();
        w.WriteNumber("stream", c.Stream);
        Endpoint("originator", c.Originator);
        Endpoint("responder", c.Responder);
        w.WriteBoolean("midstream", c.Midstream);
        Tunnel(c.Tunnel);
        w.WriteNumber("first_frame", c.FirstFrame);
        w.WriteNumber("last_frame", c.LastFrame);
        w.WriteNumber("start_ns", c.Start.Nanoseconds);
        w.WriteNumber("end_ns", c.End.Nanoseconds);
        w.WriteNumber("duration_ms", c.Duration.TotalMilliseconds);

        w.WriteStartObject("handshake");
        Nanos("syn_ns", c.SynTime);
        Nanos("syn_ack_ns", c.SynAckTime);
        Millis("syn_to_syn_ack_ms", c.SynToSynAck);
        Millis("initial_rtt_ms", c.InitialRtt);
        w.WriteNumber("syn_count", c.SynCount);
        MillisArray("syn_intervals_ms", c.SynIntervals);
        w.WriteNumber("syn_ack_count", c.SynAckCount);
        MillisArray("syn_ack_intervals_ms", c.SynAckIntervals);
        w.WriteEndObject();

        w.WriteStartObject("traffic");
        w.WriteNumber("originator_packets", c.OriginatorPackets);
        w.WriteNumber("originator_bytes", c.OriginatorBytes);
        w.WriteNumber("originator_ip_bytes", c.OriginatorIpBytes);
        w.WriteNumber("responder_packets", c.ResponderPackets);
        w.WriteNumber("responder_bytes", c.ResponderBytes);
        w.WriteNumber("responder_ip_bytes", c.ResponderIpBytes);
        w.WriteEndObject();

        w.WriteStartObject("close");
        Side("active_closer", c.ActiveCloser);
        if (c.TimeWaitHolder is { } holder)
            Endpoint("time_wait_holder", holder);
        else
            w.WriteNull("time_wait_holder");
        Nanos("first_fin_ns", c.FirstFinTime);
        Nanos("second_fin_ns", c.SecondFinTime);
        Millis("half_close_ms", c.HalfCloseTime);
        w.WriteBoolean("final_ack_seen", c.FinalAckSeen);
        w.WriteEndObject();

        w.WriteStartObject("end");
        w.WriteString("kind", EndKindName(c.EndKind));
        w.WriteString("description", c.EndDescription);
        if (c.ResetBy is null)
        {
            w.WriteNull("reset");
        }
        else
        {
            w.WriteStartObject("reset");
            Side("by", c.ResetBy);
            Nanos("time_ns", c.ResetTime);
            Millis("after_idle_ms", c.ResetAfterIdle);
            w.WriteString("phase", c.ResetPhase switch
            {
                ResetPhase.Handshake => "handshake",
                ResetPhase.AfterHandshake => "after_handshake",
                ResetPhase.MidStream => "mid_stream",
                _ => "after_fin",
            });
            if (c.ResetInWindow is { } inWindow)
                w.WriteBoolean("in_window", inWindow);
            else
                w.WriteNull("in_window");
            w.WriteEndObject();
        }
        w.WriteEndObject();

        w.WriteStartObject("checksums");
        w.WriteNumber("bad", c.BadChecksums);
        w.WriteNumber("offloaded", c.OffloadedChecksums);
        w.WriteEndObject();

        w.WriteStartObject("zeek");
        w.WriteString("conn_state", c.ConnState);
        w.WriteString("history", c.History);
        w.WriteNumber("missed_bytes", c.MissedBytes);
        w.WriteNumber("orig_bytes", c.ZeekOriginatorBytes);
        w.WriteNumber("resp_bytes", c.ZeekResponderBytes);
        w.WriteEndObject();

        w.WriteStartObject("wireshark");
        w.WriteNumber("completeness", c.Completeness);
        w.WriteStartObject("expert");
        foreach (var flag in ExpertCounts.AllFlags)
            w.WriteNumber(ExpertCounts.WiresharkName(flag), c.Expert[flag]);
        w.WriteEndObject();
        if (_frames)
        {
            w.WriteStartObject("expert_frames");
            foreach (var flag in ExpertCounts.AllFlags)
            {
                var frames = c.Expert.Frames(flag);
                if (frames.Count == 0)
                    continue;
                w.WriteStartArray(ExpertCounts.WiresharkName(flag));
                foreach (var f in frames)
                    w.WriteNumberValue(f);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();

        w.WriteStartObject("reuse");
        w.WriteBoolean("reused_tuple", c.ReusedTuple);
        Millis("previous_ended_ago_ms", c.PreviousOnTupleEndedAgo);
        w.WriteBoolean("syn_during_time_wait", c.SynDuringTimeWait);
        w.WriteEndObject();
        w.WriteEndObject();
        if (w.BytesPending > 64 * 1024)
            w.Flush();
    }

    /// <summary>Closes the connection list and writes the summary and the damage, if any.</summary>
    public void Finish(AnalysisSummary s, CaptureError? error)
    {
        var w = _w;
        w.WriteEndArray();
        w.WriteStartObject("summary");
        var p = s.Packets;
        w.WriteStartObject("packets");
        w.WriteNumber("frames", p.Frames);
        w.WriteNumber("tcp_segments", p.TcpSegments);
        w.WriteNumber("not_ip", p.NotIp);
        w.WriteNumber("not_tcp", p.NotTcp);
        w.WriteNumber("fragments", p.Fragments);
        w.WriteNumber("truncated", p.Truncated);
        w.WriteNumber("malformed", p.Malformed);
        w.WriteNumber("bad_checksums", p.BadChecksums);
        w.WriteNumber("unsupported_link_type", p.UnsupportedLinkType);
        w.WriteNumber("link_truncated", p.LinkTruncated);
        w.WriteNumber("encrypted", p.Encrypted);
        w.WriteEndObject();
        w.WriteNumber("connections", s.Connections);
        w.WriteNumber("midstream_connections", s.MidstreamConnections);
        w.WriteStartObject("by_conn_state");
        foreach (var (state, n) in s.ByConnState)
            w.WriteNumber(state, n);
        w.WriteEndObject();
        w.WriteStartObject("by_end_kind");
        foreach (var (kind, n) in s.ByEndKind)
            w.WriteNumber(EndKindName(kind), n);
        w.WriteEndObject();
        w.WriteStartArray("time_wait_holders");
        foreach (var h in s.TimeWaitHolders)
        {
            w.WriteStartObject();
            w.WriteString("host", h.Host.ToString());
            w.WriteNumber("active_closes", h.ActiveCloses);
            if (h.BusiestDestination is { } dest)
                Endpoint("busiest_destination", dest);
            w.WriteNumber("max_closed_within_window", h.MaxClosedWithinWindow);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("tuple_reused_within_window", s.TupleReusedWithinWindow);
        w.WriteNumber("syns_during_time_wait", s.SynsDuringTimeWait);
        w.WriteStartObject("resets");
        w.WriteNumber("by_originator", s.ResetByOriginator);
        w.WriteNumber("by_responder", s.ResetByResponder);
        w.WriteStartArray("senders");
        foreach (var r in s.ResetSenders)
        {
            w.WriteStartObject();
            w.WriteString("host", r.Host.ToString());
            w.WriteNumber("resets", r.Resets);
            w.WriteNumber("as_originator", r.AsOriginator);
            w.WriteNumber("as_responder", r.AsResponder);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        Percentiles("handshake_ms", s.Handshake);
        Percentiles("initial_rtt_ms", s.InitialRtt);
        w.WriteNumber("unanswered_syn_connections", s.UnansweredSynConnections);
        w.WriteNumber("unanswered_syn_segments", s.UnansweredSynSegments);
        w.WriteNumber("connections_with_syn_retransmissions", s.ConnectionsWithSynRetransmissions);
        w.WriteEndObject();
        if (error is null)
        {
            w.WriteNull("error");
        }
        else
        {
            w.WriteStartObject("error");
            w.WriteNumber("offset", error.Offset);
            w.WriteString("message", error.Message);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.Flush();
    }

    public void Dispose() => _w.Dispose();

    internal static string EndKindName(ConnectionEndKind kind) => kind switch
    {
        ConnectionEndKind.Fin => "fin",
        ConnectionEndKind.Rst => "rst",
        ConnectionEndKind.FinThenRst => "fin_then_rst",
        ConnectionEndKind.TimedOut => "timed_out",
        _ => "open",
    };

    private void Endpoint(string name, TcpEndpoint e)
    {
        _w.WriteStartObject(name);
        _w.WriteString("address", e.Address.ToString());
        _w.WriteNumber("port", e.Port);
        _w.WriteEndObject();
    }

    /// <summary>The connection's encapsulation, outermost layer first; null without one.</summary>
    private void Tunnel(ConnectionTunnel? t)
    {
        var w = _w;
        if (t is null)
        {
            w.WriteNull("tunnel");
            return;
        }
        w.WriteStartObject("tunnel");
        if (ZeekConnLog.TunnelUid(t) is { } uid)
            w.WriteString("zeek_uid", uid);
        else
            w.WriteNull("zeek_uid");
        w.WriteString("description", t.Describe());
        Layers("layers", t.Layers, t);
        if (t.DirectionsDiffer)
            Layers("responder_layers", t.ResponderLayers!.Select(l => l.Reversed).ToList(), null);
        w.WriteEndObject();
    }

    private void Layers(string name, IReadOnlyList<TunnelLayer> layers, ConnectionTunnel? withResponderIds)
    {
        var w = _w;
        w.WriteStartArray(name);
        for (int i = 0; i < layers.Count; i++)
        {
            var l = layers[i];
            w.WriteStartObject();
            w.WriteString("type", l.Name);
            if (l.HasId)
                w.WriteNumber("id", l.Id);
            if (withResponderIds?.ResponderId(i) is { } back)
                w.WriteNumber("responder_id", back);
            if (l.HasOuter)
            {
                w.WriteString("outer_originator", l.OuterSource.ToString());
                w.WriteString("outer_responder", l.OuterDestination.ToString());
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private void Side(string name, ConnectionSide? side)
    {
        if (side is null)
            _w.WriteNull(name);
        else
            _w.WriteString(name, side == ConnectionSide.Originator ? "originator" : "responder");
    }

    private void Nanos(string name, Instant? t)
    {
        if (t is { } v)
            _w.WriteNumber(name, v.Nanoseconds);
        else
            _w.WriteNull(name);
    }

    private void Millis(string name, Duration? d)
    {
        if (d is { } v)
            _w.WriteNumber(name, v.TotalMilliseconds);
        else
            _w.WriteNull(name);
    }

    private void MillisArray(string name, IReadOnlyList<Duration> ds)
    {
        _w.WriteStartArray(name);
        foreach (var d in ds)
            _w.WriteNumberValue(d.TotalMilliseconds);
        _w.WriteEndArray();
    }

    private void Percentiles(string name, DurationPercentiles p)
    {
        _w.WriteStartObject(name);
        _w.WriteNumber("count", p.Count);
        Millis("p50", p.P50);
        Millis("p90", p.P90);
        Millis("p99", p.P99);
        Millis("max", p.Max);
        _w.WriteEndObject();
    }
}
