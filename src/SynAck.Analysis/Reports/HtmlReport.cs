using System.Globalization;
using System.Net;
using SynAck.Analysis.Conversations;
using SynAck.Analysis.Ladder;
using SynAck.Capture;

namespace SynAck.Analysis.Reports;

/// <summary>
/// A self-contained HTML report: inline CSS, a little inline script and inline SVG, nothing fetched from the
/// network. A summary, then one table row per connection; clicking a row shows that connection's ladder.
/// </summary>
public static class HtmlReport
{
    public static void Write(TextWriter w, string title, IReadOnlyList<TcpConnection> connections, AnalysisSummary summary, CaptureError? error, long totalConnections)
    {
        var svg = new SvgLadderRenderer();
        w.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        w.Write("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">");
        w.Write($"<title>{E(title)}</title>\n<style>{Css}</style></head><body>\n");
        w.Write($"<h1>synack analyze: {E(title)}</h1>\n");
        if (error is not null)
            w.Write($"<p class=\"damage\">Capture damaged at byte offset {error.Offset}: {E(error.Message)} — the connections before it are shown.</p>\n");
        WriteSummary(w, summary);
        w.Write("<h2>Connections</h2>\n");
        if (totalConnections > connections.Count)
            w.Write($"<p>Showing the first {connections.Count} of {totalConnections} connections.</p>\n");
        w.Write("<p class=\"hint\">Click a row to show its ladder diagram.</p>\n");
        w.Write("<table id=\"connections\"><thead><tr><th>stream</th><th>originator</th><th>responder</th><th>state</th><th>history</th><th>end</th><th>handshake</th><th>packets</th><th>bytes</th><th>duration</th><th>expert</th></tr></thead><tbody>\n");
        foreach (var c in connections)
        {
            string handshake = c.SynToSynAck is { } hs ? ConnectionNarrative.Format(hs) : "";
            w.Write($"<tr class=\"conn\" data-stream=\"{c.Stream}\" tabindex=\"0\"><td>{c.Stream}</td><td>{E(c.Originator.ToString())}</td><td>{E(c.Responder.ToString())}</td>");
            w.Write($"<td class=\"st-{E(c.ConnState)}\">{E(c.ConnState)}</td><td><code>{E(c.History)}</code></td><td>{E(c.EndDescription)}</td><td>{handshake}</td>");
            w.Write($"<td>{c.OriginatorPackets}/{c.ResponderPackets}</td><td>{c.OriginatorBytes}/{c.ResponderBytes}</td><td>{E(ConnectionNarrative.Format(c.Duration))}</td><td>{E(ExpertText(c))}</td></tr>\n");
        }
        w.Write("</tbody></table>\n<div id=\"ladders\">\n");
        foreach (var c in connections)
        {
            w.Write($"<div class=\"ladder\" id=\"ladder-{c.Stream}\" hidden>");
            if (c.Segments.Count > 0)
                w.Write(svg.Render(ConnectionLadder.Build(c)));
            else
                w.Write("<p>No segments were kept for this connection.</p>");
            w.Write("</div>\n");
        }
        w.Write("</div>\n<script>\n" + Script + "\n</script>\n</body></html>\n");
    }

    private static void WriteSummary(TextWriter w, AnalysisSummary s)
    {
        w.Write("<h2>Summary</h2>\n<table class=\"summary\">");
        Row(w, "frames / TCP segments", $"{s.Packets.Frames} / {s.Packets.TcpSegments}");
        Row(w, "connections", $"{s.Connections} ({s.MidstreamConnections} midstream)");
        Row(w, "by conn_state", string.Join(", ", s.ByConnState.Select(p => $"{p.Key} {p.Value}")));
        Row(w, "by end", string.Join(", ", s.ByEndKind.Select(p => $"{JsonReport.EndKindName(p.Key)} {p.Value}")));
        Row(w, "TIME_WAIT holders", string.Join("; ", s.TimeWaitHolders.Take(10).Select(h =>
            $"{h.Host}: {h.ActiveCloses} active closes, up to {h.MaxClosedWithinWindow} to {h.BusiestDestination} within 60 s")));
        Row(w, "4-tuple reused within 60 s", s.TupleReusedWithinWindow.ToString(CultureInfo.InvariantCulture));
        Row(w, "new SYN during TIME_WAIT", s.SynsDuringTimeWait.ToString(CultureInfo.InvariantCulture));
        Row(w, "resets", $"by originator {s.ResetByOriginator}, by responder {s.ResetByResponder}; " +
            string.Join(", ", s.ResetSenders.Take(10).Select(r => $"{r.Host} {r.Resets}")));
        Row(w, "handshake (SYN→SYN-ACK)", Percentiles(s.Handshake));
        Row(w, "unanswered SYNs", $"{s.UnansweredSynConnections} connections, {s.UnansweredSynSegments} SYNs");
        w.Write("</table>\n");
    }

    internal static string Percentiles(DurationPercentiles p)
        => p.Count == 0 ? "none"
            : $"n={p.Count} p50 {ConnectionNarrative.Format(p.P50!.Value)}, p90 {ConnectionNarrative.Format(p.P90!.Value)}, p99 {ConnectionNarrative.Format(p.P99!.Value)}, max {ConnectionNarrative.Format(p.Max!.Value)}";

    internal static string ExpertText(TcpConnection c)
        => string.Join(", ", ExpertCounts.AllFlags.Where(f => c.Expert[f] > 0).Select(f => $"{ExpertCounts.WiresharkName(f)} {c.Expert[f]}"));

    private static void Row(TextWriter w, string name, string value)
        => w.Write($"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>");

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private const string Css = """
body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 24px; color: #222; background: #fafafa; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 24px; }
table { border-collapse: collapse; font-size: 12px; background: #fff; }
th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: left; }
table.summary th { background: #eef; width: 220px; }
#connections thead th { background: #1f3b73; color: #fff; position: sticky; top: 0; }
tr.conn { cursor: pointer; } tr.conn:hover { background: #eef3ff; } tr.conn.selected { background: #cfe0ff; }
td.st-SF { color: #0a6b2d; } td.st-REJ, td.st-RSTO, td.st-RSTR, td.st-RSTOS0, td.st-RSTRH { color: #b3261e; } td.st-S0 { color: #a05a00; }
.damage { color: #b3261e; font-weight: bold; } .hint { color: #666; }
.ladder { margin-top: 16px; border: 1px solid #ccc; background: #fff; display: inline-block; }
""";

    private const string Script = """
(function () {
  var current = null;
  function show(row) {
    var stream = row.getAttribute('data-stream');
    var ladder = document.getElementById('ladder-' + stream);
    if (current) { current.ladder.hidden = true; current.row.classList.remove('selected'); }
    if (!ladder) { current = null; return; }
    ladder.hidden = false; row.classList.add('selected');
    current = { ladder: ladder, row: row };
    ladder.scrollIntoView({ block: 'nearest' });
  }
  var rows = document.querySelectorAll('tr.conn');
  for (var i = 0; i < rows.length; i++) {
    rows[i].addEventListener('click', function () { show(this); });
    rows[i].addEventListener('keydown', function (e) { if (e.key === 'Enter') show(this); });
  }
  var wanted = /^#stream-(\d+)$/.exec(location.hash);
  var first = wanted ? document.querySelector('tr.conn[data-stream="' + wanted[1] + '"]') : rows[0];
  if (first) show(first);
})();
""";
}
