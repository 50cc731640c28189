using System.Text;
using System.Text.Json;
using SynAck.Analysis.Ladder;
using SynAck.Analysis.Scenarios;
using SynAck.Analysis.States;

namespace SynAck.Cli.Commands;

/// <summary><c>synack demo --json</c>: the run as one JSON document — options, verdict, facts, ladder rows and the full event list.</summary>
internal static class DemoJson
{
    public static string Write(ScenarioRun run)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var f = run.Facts;
            var start = run.Ladder.Start;
            w.WriteStartObject();
            w.WriteString("scenario", run.Info.Name);
            w.WriteString("summary", run.Info.Summary);
            w.WriteString("what_if", ScenarioCatalog.Spell(run.Options.WhatIf));
            w.WriteStartObject("options");
            w.WriteNumber("seed", run.Options.Seed);
            w.WriteNumber("loss", run.Options.Loss);
            w.WriteNumber("rtt_ms", run.Options.Rtt.TotalMilliseconds);
            w.WriteNumber("msl_seconds", run.Options.Msl.TotalSeconds);
            w.WriteEndObject();
            w.WriteString("verdict", run.Verdict);
            w.WriteBoolean("healthy", run.Healthy);
            w.WriteString("explanation", run.Explanation);

            w.WriteStartObject("facts");
            WriteStates(w, "client_states", f.ClientStates.Select(StateTableEdges.Name));
            WriteStates(w, "server_states", f.ServerStates.Select(StateTableEdges.Name));
            WriteStates(w, "client_errors", f.ClientErrors.Select(e => e.ToString()));
            WriteStates(w, "server_errors", f.ServerErrors.Select(e => e.ToString()));
            w.WriteNumber("client_bytes_sent", f.ClientBytesSent);
            w.WriteNumber("server_bytes_sent", f.ServerBytesSent);
            w.WriteNumber("client_bytes_received", f.ClientBytesReceived);
            w.WriteNumber("server_bytes_received", f.ServerBytesReceived);
            w.WriteNumber("corrupted_bytes", f.CorruptedBytes);
            w.WriteBoolean("data_intact", f.DataIntact);
            if (f.ClientTimeWait is { } ctw)
                w.WriteNumber("client_time_wait_seconds", ctw.TotalSeconds);
            else
                w.WriteNull("client_time_wait_seconds");
            if (f.ServerTimeWait is { } stw)
                w.WriteNumber("server_time_wait_seconds", stw.TotalSeconds);
            else
                w.WriteNull("server_time_wait_seconds");
            w.WriteNumber("client_connections_left", f.ClientConnectionsLeft);
            w.WriteNumber("server_connections_left", f.ServerConnectionsLeft);
            w.WriteNumber("server_accepted", f.ServerAccepted);
            w.WriteNumber("segments", f.Segments);
            w.WriteNumber("segments_dropped", f.SegmentsDropped);
            w.WriteNumber("client_retransmissions", f.ClientRetransmissions);
            w.WriteNumber("server_retransmissions", f.ServerRetransmissions);
            w.WriteNumber("ended_at_ms", f.EndedAt.TotalMilliseconds);
            w.WriteEndObject();

            w.WriteStartArray("ladder");
            foreach (var entry in run.Ladder.Entries)
            {
                w.WriteStartObject();
                w.WriteNumber("time_ms", (entry.At - start).TotalMilliseconds);
                switch (entry)
                {
                    case LadderSegment s:
                        w.WriteString("type", "segment");
                        w.WriteString("from", s.From == LadderSide.Left ? "client" : "server");
                        w.WriteString("flags", s.Segment.FlagText);
                        w.WriteNumber("seq", s.Segment.Sequence);
                        w.WriteNumber("ack", s.Segment.Acknowledgment);
                        w.WriteNumber("window", s.Segment.Window);
                        w.WriteNumber("length", s.Segment.Length);
                        if (s.Segment.Options is { } o)
                            w.WriteString("options", o);
                        if (s.ArrivedAt is { } a)
                            w.WriteNumber("arrived_ms", (a - start).TotalMilliseconds);
                        w.WriteBoolean("dropped", s.Dropped);
                        if (s.DropReason is { } why)
                            w.WriteString("drop_reason", why);
                        break;
                    case LadderStateChange sc:
                        w.WriteString("type", "state");
                        w.WriteString("side", sc.Side == LadderSide.Left ? "client" : "server");
                        w.WriteString("state", sc.State);
                        break;
                    case LadderNote n:
                        w.WriteString("type", "note");
                        w.WriteString("text", n.Text);
                        break;
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("events");
            foreach (var e in run.Events)
            {
                w.WriteStartObject();
                w.WriteNumber("time_ms", e.At.TotalMilliseconds);
                w.WriteString("source", e.Source);
                w.WriteString("kind", e.Kind);
                w.WriteString("detail", e.Detail);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteStates(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
            w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
