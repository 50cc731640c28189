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
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            var f = run.Facts;
            var start = run.Ladder.Start;
            w.WriteStartObject();
            w.WriteString("scenario", run.Info.Name);
            w.WriteString("summary", run.Info.Summary);
            w.WriteString("whatIf", ScenarioCatalog.Spell(run.Options.WhatIf));
            w.WriteStartObject("options");
            w.WriteNumber("seed", run.Options.Seed);
            w.WriteNumber("loss", run.Options.Loss);
            w.WriteNumber("rttMs", run.Options.Rtt.TotalMilliseconds);
            w.WriteNumber("mslSeconds", run.Options.Msl.TotalSeconds);
            w.WriteEndObject();
            w.WriteString("verdict", run.Verdict);
            w.WriteBoolean("healthy", run.Healthy);
            w.WriteString("explanation", run.Explanation);

            w.WriteStartObject("facts");
            WriteStates(w, "clientStates", f.ClientStates.Select(StateTableEdges.Name));
            WriteStates(w, "serverStates", f.ServerStates.Select(StateTableEdges.Name));
            WriteStates(w, "clientErrors", f.ClientErrors.Select(e => e.ToString()));
            WriteStates(w, "serverErrors", f.ServerErrors.Select(e => e.ToString()));
            w.WriteNumber("clientBytesSent", f.ClientBytesSent);
            w.WriteNumber("serverBytesSent", f.ServerBytesSent);
            w.WriteNumber("clientBytesReceived", f.ClientBytesReceived);
            w.WriteNumber("serverBytesReceived", f.ServerBytesReceived);
            w.WriteNumber("corruptedBytes", f.CorruptedBytes);
            w.WriteBoolean("dataIntact", f.DataIntact);
            if (f.ClientTimeWait is { } ctw)
                w.WriteNumber("clientTimeWaitSeconds", ctw.TotalSeconds);
            else
                w.WriteNull("clientTimeWaitSeconds");
            if (f.ServerTimeWait is { } stw)
                w.WriteNumber("serverTimeWaitSeconds", stw.TotalSeconds);
            else
                w.WriteNull("serverTimeWaitSeconds");
            w.WriteNumber("clientConnectionsLeft", f.ClientConnectionsLeft);
            w.WriteNumber("serverConnectionsLeft", f.ServerConnectionsLeft);
            w.WriteNumber("serverAccepted", f.ServerAccepted);
            w.WriteNumber("segments", f.Segments);
            w.WriteNumber("segmentsDropped", f.SegmentsDropped);
            w.WriteNumber("clientRetransmissions", f.ClientRetransmissions);
            w.WriteNumber("serverRetransmissions", f.ServerRetransmissions);
            w.WriteNumber("endedAtMs", f.EndedAt.TotalMilliseconds);
            w.WriteEndObject();

            w.WriteStartArray("ladder");
            foreach (var entry in run.Ladder.Entries)
            {
                w.WriteStartObject();
                w.WriteNumber("timeMs", (entry.At - start).TotalMilliseconds);
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
                            w.WriteNumber("arrivedMs", (a - start).TotalMilliseconds);
                        w.WriteBoolean("dropped", s.Dropped);
                        if (s.DropReason is { } why)
                            w.WriteString("dropReason", why);
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
                w.WriteNumber("timeMs", e.At.TotalMilliseconds);
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
