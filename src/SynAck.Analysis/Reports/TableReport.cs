using System.Globalization;
using Spectre.Console;
using SynAck.Analysis.Conversations;
using SynAck.Capture;

namespace SynAck.Analysis.Reports;

/// <summary>The human report: a table of connections and the capture summary, drawn with Spectre.Console.</summary>
public static class TableReport
{
    public static void Write(IAnsiConsole console, IReadOnlyList<TcpConnection> connections, AnalysisSummary s, CaptureError? error, long totalConnections)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in (string[])["stream", "originator", "responder", "state", "history", "end", "handshake", "pkts o/r", "bytes o/r", "duration", "expert"])
            table.AddColumn(new TableColumn(h));
        foreach (var c in connections)
        {
            table.AddRow(
                c.Stream.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(c.Originator.ToString()) + (c.Midstream ? " (midstream)" : "")
                    + (c.Tunnel is { } t ? "\n[grey]via " + Markup.Escape(t.Describe()) + "[/]" : ""),
                Markup.Escape(c.Responder.ToString()),
                Colour(c.ConnState),
                Markup.Escape(c.History),
                Markup.Escape(c.EndDescription),
                c.SynToSynAck is { } hs ? Markup.Escape(ConnectionNarrative.Format(hs)) + (c.SynRetransmissions > 0 ? $" ({c.SynRetransmissions} SYN retx)" : "") : c.SynRetransmissions > 0 ? $"{c.SynCount} SYNs" : "",
                $"{c.OriginatorPackets}/{c.ResponderPackets}",
                $"{c.OriginatorBytes}/{c.ResponderBytes}",
                Markup.Escape(ConnectionNarrative.Format(c.Duration)),
                Markup.Escape(HtmlReport.ExpertText(c)));
        }
        console.Write(table);
        if (totalConnections > connections.Count)
            console.MarkupLine($"[grey]showing the first {connections.Count} of {totalConnections} connections (--limit)[/]");

        var sum = new Table().Border(TableBorder.Simple).HideHeaders().AddColumn("what").AddColumn("value");
        sum.AddRow("frames / TCP segments", $"{s.Packets.Frames} / {s.Packets.TcpSegments}" + Skipped(s.Packets));
        sum.AddRow("connections", $"{s.Connections} ({s.MidstreamConnections} midstream)");
        sum.AddRow("by conn_state", Markup.Escape(string.Join(", ", s.ByConnState.Select(p => $"{p.Key} {p.Value}"))));
        sum.AddRow("by end", Markup.Escape(string.Join(", ", s.ByEndKind.Select(p => $"{JsonReport.EndKindName(p.Key)} {p.Value}"))));
        foreach (var h in s.TimeWaitHolders.Take(5))
            sum.AddRow("TIME_WAIT holder", Markup.Escape($"{h.Host}: {h.ActiveCloses} active closes; up to {h.MaxClosedWithinWindow} 4-tuples to {h.BusiestDestination} within 60 s"));
        sum.AddRow("4-tuple reuse < 60 s", $"{s.TupleReusedWithinWindow} (new SYN during TIME_WAIT: {s.SynsDuringTimeWait})");
        sum.AddRow("resets", Markup.Escape($"by originator {s.ResetByOriginator}, by responder {s.ResetByResponder}" +
            (s.ResetSenders.Count > 0 ? "; " + string.Join(", ", s.ResetSenders.Take(5).Select(r => $"{r.Host} {r.Resets}")) : "")));
        sum.AddRow("handshake SYN→SYN-ACK", Markup.Escape(HtmlReport.Percentiles(s.Handshake)));
        sum.AddRow("unanswered SYNs", $"{s.UnansweredSynConnections} connections ({s.UnansweredSynSegments} SYNs)");
        console.Write(new Panel(sum).Header("summary"));
        if (error is not null)
            console.MarkupLine($"[red]{Markup.Escape($"capture damaged at byte offset {error.Offset}: {error.Message}")}[/]");
    }

    private static string Skipped(PacketCounts p)
    {
        long other = p.NotIp + p.NotTcp + p.Fragments + p.Malformed + p.UnsupportedLinkType + p.LinkTruncated + p.Encrypted;
        return other == 0 && p.Truncated == 0 ? "" : $" (skipped {other} non-TCP/fragment/malformed, {p.Truncated} truncated)";
    }

    private static string Colour(string state) => state switch
    {
        "SF" => "[green]SF[/]",
        "S0" => "[yellow]S0[/]",
        "REJ" or "RSTO" or "RSTR" or "RSTOS0" or "RSTRH" => $"[red]{state}[/]",
        _ => state,
    };
}
