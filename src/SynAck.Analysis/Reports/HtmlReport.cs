using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using SynAck.Analysis.Conversations;
using SynAck.Capture;

namespace SynAck.Analysis.Reports;

/// <summary>
/// A self-contained HTML report: inline CSS and script, nothing fetched from the network. A summary, the
/// TIME-WAIT holders as a table, a timeline of connection starts and ends with TIME-WAIT shaded per holder,
/// and a sortable, filterable connection table; clicking a row draws that connection's ladder. Connections
/// and their kept segments are embedded once as compact JSON and the table, timeline and ladders are built
/// by the script, so a report of 10,000 connections stays a few megabytes.
/// </summary>
public static class HtmlReport
{
    /// <summary>Segments embedded for ladders in one report; later connections get none (the page says so).</summary>
    public const int SegmentBudget = 200_000;

    public static void Write(TextWriter w, string title, IReadOnlyList<TcpConnection> connections, AnalysisSummary summary, CaptureError? error, long totalConnections)
    {
        w.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        w.Write("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">");
        w.Write($"<title>{E(title)}</title>\n<style>{HtmlReportAssets.Css}</style></head><body>\n");
        w.Write($"<h1>synack analyze: {E(title)}</h1>\n");
        if (error is not null)
            w.Write($"<p class=\"damage\">Capture damaged at byte offset {error.Offset}: {E(error.Message)} — the connections before it are shown.</p>\n");
        WriteSummary(w, summary);
        WriteTimeWaitHolders(w, summary);
        w.Write("<h2>Timeline</h2>\n<p class=\"hint\">Each connection from its first to its last packet; below, each TIME-WAIT holder's closes with the 60 s they stay in TIME_WAIT shaded.</p>\n<div id=\"timeline\"></div>\n");
        w.Write("<h2>Connections</h2>\n");
        if (totalConnections > connections.Count)
            w.Write($"<p>Showing the first {connections.Count} of {totalConnections} connections.</p>\n");
        w.Write("<p class=\"hint\">Click a column heading to sort, type to filter (state, address, end, flags...), click a row to draw its ladder.</p>\n");
        w.Write("<p><input id=\"filter\" type=\"search\" placeholder=\"filter\" size=\"40\"> <span id=\"count\"></span></p>\n");
        w.Write("<table id=\"connections\"><thead><tr>");
        foreach (var (key, name) in HtmlReportAssets.Columns)
            w.Write($"<th data-key=\"{key}\">{E(name)}</th>");
        w.Write("</tr></thead><tbody></tbody></table>\n<div id=\"ladder\" class=\"ladder\" hidden></div>\n");
        w.Write("<script type=\"application/json\" id=\"data\">");
        w.Write(Data(connections));
        w.Write("</script>\n<script>\n" + HtmlReportAssets.Script + "\n</script>\n</body></html>\n");
    }

    /// <summary>The embedded data: times relative to the first connection's start, in microseconds.</summary>
    private static string Data(IReadOnlyList<TcpConnection> connections)
    {
        long origin = connections.Count == 0 ? 0 : connections.Min(c => c.Start.Nanoseconds);
        int budget = SegmentBudget;
        using var ms = new MemoryStream();
        using (var j = new Utf8JsonWriter(ms))
        {
            j.WriteStartObject();
            j.WriteNumber("window_us", 60_000_000);
            j.WriteStartArray("c");
            foreach (var c in connections)
            {
                j.WriteStartArray();
                j.WriteNumberValue(c.Stream);
                j.WriteNumberValue((c.Start.Nanoseconds - origin) / 1000);
                j.WriteNumberValue(c.Duration.Nanoseconds / 1000);
                j.WriteStringValue(c.Originator.ToString());
                j.WriteStringValue(c.Responder.ToString());
                j.WriteStringValue(c.ConnState);
                j.WriteStringValue(c.History);
                j.WriteStringValue(c.EndDescription);
                j.WriteStringValue(c.ActiveCloser switch { ConnectionSide.Originator => "originator", ConnectionSide.Responder => "responder", _ => "" });
                j.WriteStringValue(c.TimeWaitHolder?.Address.ToString() ?? "");
                if (c.SynToSynAck is { } hs)
                    j.WriteNumberValue(hs.Nanoseconds / 1000);
                else
                    j.WriteNullValue();
                j.WriteNumberValue(c.OriginatorPackets);
                j.WriteNumberValue(c.ResponderPackets);
                j.WriteNumberValue(c.OriginatorBytes);
                j.WriteNumberValue(c.ResponderBytes);
                j.WriteStringValue(ExpertText(c));
                j.WriteNumberValue(c.EndKind == ConnectionEndKind.Fin ? (c.End.Nanoseconds - origin) / 1000 : -1);
                j.WriteStartArray();
                if (budget >= c.Segments.Count)
                {
                    budget -= c.Segments.Count;
                    foreach (var s in c.Segments)
                    {
                        j.WriteStartArray();
                        j.WriteNumberValue((s.At.Nanoseconds - c.Start.Nanoseconds) / 1000);
                        j.WriteNumberValue(s.From == ConnectionSide.Originator ? 0 : 1);
                        j.WriteNumberValue((int)s.Summary.Flags);
                        j.WriteNumberValue(s.Summary.Sequence);
                        j.WriteNumberValue(s.Summary.Acknowledgment);
                        j.WriteNumberValue(s.Summary.Length);
                        j.WriteNumberValue(s.Summary.Window);
                        j.WriteNumberValue((int)s.Expert);
                        j.WriteEndArray();
                    }
                }
                j.WriteEndArray();
                j.WriteNumberValue(c.OriginatorPackets + c.ResponderPackets);
                j.WriteStringValue(c.Tunnel?.Describe() ?? "");
                j.WriteEndArray();
            }
            j.WriteEndArray();
            j.WriteStartArray("flags");
            foreach (var f in ExpertCounts.AllFlags)
                j.WriteStringValue(ExpertCounts.WiresharkName(f));
            j.WriteEndArray();
            j.WriteEndObject();
        }
        // The default encoder escapes '<', '>' and '&', so the JSON cannot close its script element.
        return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }

    private static void WriteSummary(TextWriter w, AnalysisSummary s)
    {
        w.Write("<h2>Summary</h2>\n<table class=\"summary\">");
        Row(w, "frames / TCP segments", $"{s.Packets.Frames} / {s.Packets.TcpSegments}");
        Row(w, "connections", $"{s.Connections} ({s.MidstreamConnections} midstream)");
        Row(w, "by conn_state", string.Join(", ", s.ByConnState.Select(p => $"{p.Key} {p.Value}")));
        Row(w, "by end", string.Join(", ", s.ByEndKind.Select(p => $"{JsonReport.EndKindName(p.Key)} {p.Value}")));
        Row(w, "4-tuple reused within 60 s", s.TupleReusedWithinWindow.ToString(CultureInfo.InvariantCulture));
        Row(w, "new SYN during TIME_WAIT", s.SynsDuringTimeWait.ToString(CultureInfo.InvariantCulture));
        Row(w, "resets", $"by originator {s.ResetByOriginator}, by responder {s.ResetByResponder}; " +
            string.Join(", ", s.ResetSenders.Take(10).Select(r => $"{r.Host} {r.Resets}")));
        Row(w, "handshake (SYN→SYN-ACK)", Percentiles(s.Handshake));
        Row(w, "unanswered SYNs", $"{s.UnansweredSynConnections} connections, {s.UnansweredSynSegments} SYNs");
        w.Write("</table>\n");
    }

    /// <summary>Who holds TIME_WAIT: one row per host that closed actively.</summary>
    private static void WriteTimeWaitHolders(TextWriter w, AnalysisSummary s)
    {
        w.Write("<h2>TIME_WAIT holders</h2>\n");
        if (s.TimeWaitHolders.Count == 0)
        {
            w.Write("<p>No connection closed with FIN on both sides: nobody holds TIME_WAIT.</p>\n");
            return;
        }
        w.Write("<table id=\"time-wait\" class=\"holders\"><thead><tr><th>host</th><th>active closes</th><th>busiest destination</th><th>most closes to it within 60 s</th></tr></thead><tbody>");
        foreach (var h in s.TimeWaitHolders.Take(50))
            w.Write($"<tr><td>{E(h.Host.ToString())}</td><td>{h.ActiveCloses}</td><td>{E(h.BusiestDestination?.ToString() ?? "")}</td><td>{h.MaxClosedWithinWindow}</td></tr>");
        w.Write("</tbody></table>\n");
        if (s.TimeWaitHolders.Count > 50)
            w.Write($"<p>and {s.TimeWaitHolders.Count - 50} more hosts.</p>\n");
    }

    internal static string Percentiles(DurationPercentiles p)
        => p.Count == 0 ? "none"
            : $"n={p.Count} p50 {ConnectionNarrative.Format(p.P50!.Value)}, p90 {ConnectionNarrative.Format(p.P90!.Value)}, p99 {ConnectionNarrative.Format(p.P99!.Value)}, max {ConnectionNarrative.Format(p.Max!.Value)}";

    internal static string ExpertText(TcpConnection c)
        => string.Join(", ", ExpertCounts.AllFlags.Where(f => c.Expert[f] > 0).Select(f => $"{ExpertCounts.WiresharkName(f)} {c.Expert[f]}"));

    private static void Row(TextWriter w, string name, string value)
        => w.Write($"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>");

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
