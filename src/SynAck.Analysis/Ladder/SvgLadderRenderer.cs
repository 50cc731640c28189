using System.Globalization;
using System.Security;
using System.Text;
using SynAck.Analysis.States;
using SynAck.Time;

namespace SynAck.Analysis.Ladder;

/// <summary>
/// Draws a <see cref="LadderDiagram"/> as a standalone SVG figure: two vertical timelines, each segment an
/// arrow slanted from the moment it left to the moment it arrived, state names beside the timelines, and a red
/// cross where a segment was lost. Vertical space is given per distinct moment rather than per millisecond, so
/// a 60-second TIME-WAIT and a 10-millisecond round trip are both readable; the time column says the real times.
/// </summary>
public sealed class SvgLadderRenderer
{
    private const double Top = 86;
    private const double RowHeight = 30;
    private const double LeftX = 250;
    private const double RightX = 680;
    private const double Width = 930;

    public string Render(LadderDiagram diagram) => Render(diagram, null);

    private string Render(LadderDiagram diagram, Dictionary<LadderSegment, LadderLabelPlacer.Placement>? placements)
    {
        // Each moment gets as many rows as it has things that would otherwise overlap: segments sent, segments arriving
        // at one side, state changes of one side, notes. The k-th of a kind at a moment goes on that moment's k-th row.
        var slots = new Dictionary<(Instant, string), int>();
        var placed = new Dictionary<LadderEntry, int>(ReferenceEqualityComparer.Instance);
        var arrivalRow = new Dictionary<LadderSegment, int>(ReferenceEqualityComparer.Instance);
        int Take(Instant t, string kind)
        {
            slots.TryGetValue((t, kind), out int k);
            slots[(t, kind)] = k + 1;
            return k;
        }
        foreach (var e in diagram.Entries)
        {
            switch (e)
            {
                case LadderSegment seg:
                    placed[e] = Take(e.At, "sent");
                    if (seg.ArrivedAt is { } a)
                        arrivalRow[seg] = Take(a, seg.From == LadderSide.Left ? "in-right" : "in-left");
                    break;
                case LadderStateChange sc:
                    placed[e] = Take(e.At, sc.Side == LadderSide.Left ? "state-left" : "state-right");
                    break;
                default:
                    placed[e] = Take(e.At, "note");
                    break;
            }
        }
        var times = slots.Keys.Select(k => k.Item1).Distinct().Order().ToList();
        var firstRow = new Dictionary<Instant, int>();
        int rows = 0;
        foreach (var t in times)
        {
            firstRow[t] = rows;
            rows += slots.Where(kv => kv.Key.Item1 == t).Max(kv => kv.Value);
        }
        double Y(Instant t, int k = 0) => Top + (firstRow[t] + k) * RowHeight;
        double height = Top + Math.Max(1, rows) * RowHeight + 30;

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height:0}\" viewBox=\"0 0 {Width} {height:0}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
        sb.Append("<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1f3b73\"/></marker></defs>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{height:0}\" fill=\"#ffffff\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"title\" x=\"{Width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Esc(diagram.Title)}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{LeftX}\" y=\"52\" text-anchor=\"middle\" font-weight=\"bold\">{Esc(diagram.LeftLabel)}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{RightX}\" y=\"52\" text-anchor=\"middle\" font-weight=\"bold\">{Esc(diagram.RightLabel)}</text>\n");
        double bottom = height - 20;
        sb.Append(CultureInfo.InvariantCulture, $"<line class=\"timeline\" x1=\"{LeftX}\" y1=\"62\" x2=\"{LeftX}\" y2=\"{bottom:0.#}\" stroke=\"#444\" stroke-width=\"2\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<line class=\"timeline\" x1=\"{RightX}\" y1=\"62\" x2=\"{RightX}\" y2=\"{bottom:0.#}\" stroke=\"#444\" stroke-width=\"2\"/>\n");
        sb.Append("<text x=\"12\" y=\"74\" fill=\"#666\">ms</text>\n");

        foreach (var t in times)
        {
            double ms = (t - diagram.Start).TotalMilliseconds;
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"time\" x=\"12\" y=\"{Y(t) + 4:0.#}\" fill=\"#666\">{ms.ToString("0.0", CultureInfo.InvariantCulture)}</text>\n");
        }

        // Labels are placed before anything is written: notes and loss crosses first, as fixed obstacles, then each
        // segment's label in time order, clear of those placed before it.
        var placer = new LadderLabelPlacer();
        var geometry = new Dictionary<LadderSegment, (double Y1, double Y2)>(ReferenceEqualityComparer.Instance);
        foreach (var entry in diagram.Entries)
        {
            if (entry is LadderSegment seg)
            {
                var g = (Y(seg.At, placed[seg]), seg.ArrivedAt is { } a ? Y(a, arrivalRow[seg]) : Y(seg.At, placed[seg]) + RowHeight * 0.8);
                geometry[seg] = g;
                double sx = seg.From == LadderSide.Left ? LeftX : RightX;
                var end = seg.Dropped ? DropPoint(seg, g.Item1, g.Item2) : (seg.From == LadderSide.Left ? RightX : LeftX, g.Item2);
                placer.AddLine(seg, sx, g.Item1, end.Item1, end.Item2);
                if (seg.Dropped)
                {
                    var (xe, ye) = DropPoint(seg, g.Item1, g.Item2);
                    placer.AddObstacle(DiagramRect.Centered(xe, ye, 16, 16));
                }
            }
            else if (entry is LadderNote note)
            {
                placer.AddObstacle(DiagramRect.Centered((LeftX + RightX) / 2, Y(note.At, placed[note]), note.Text.Length * 6.6, 14));
            }
        }
        var labels = new Dictionary<LadderSegment, LadderLabelPlacer.Placement>(ReferenceEqualityComparer.Instance);
        foreach (var seg in diagram.Segments)
        {
            var (y1, y2) = geometry[seg];
            double x1 = seg.From == LadderSide.Left ? LeftX : RightX;
            double x2 = seg.From == LadderSide.Left ? RightX : LeftX;
            labels[seg] = placer.Place(seg, seg.Segment.Label(2), x1, y1, x2, y2);
            placements?.Add(seg, labels[seg]);
        }

        foreach (var entry in diagram.Entries)
        {
            switch (entry)
            {
                case LadderStateChange sc:
                    double y = Y(sc.At, placed[sc]);
                    if (sc.Side == LadderSide.Left)
                        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"state\" x=\"{LeftX - 10}\" y=\"{y + 4:0.#}\" text-anchor=\"end\" fill=\"#0a6b2d\" font-weight=\"bold\">{Esc(sc.State)}</text>\n");
                    else
                        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"state\" x=\"{RightX + 10}\" y=\"{y + 4:0.#}\" fill=\"#0a6b2d\" font-weight=\"bold\">{Esc(sc.State)}</text>\n");
                    break;
                case LadderSegment seg:
                    AppendSegment(sb, seg, geometry[seg].Y1, geometry[seg].Y2, labels[seg]);
                    break;
                case LadderNote note:
                    sb.Append(CultureInfo.InvariantCulture, $"<text class=\"note\" x=\"{(LeftX + RightX) / 2}\" y=\"{Y(note.At, placed[note]) + 4:0.#}\" text-anchor=\"middle\" fill=\"#666\" font-style=\"italic\">{Esc(note.Text)}</text>\n");
                    break;
            }
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    internal static IReadOnlyDictionary<LadderSegment, LadderLabelPlacer.Placement> PlaceLabels(LadderDiagram diagram)
    {
        var labels = new Dictionary<LadderSegment, LadderLabelPlacer.Placement>(ReferenceEqualityComparer.Instance);
        new SvgLadderRenderer().Render(diagram, labels);
        return labels;
    }

    // The arrow of a lost segment stops two thirds of the way: it never reached the other side.
    private static (double X, double Y) DropPoint(LadderSegment seg, double y1, double y2)
    {
        double x1 = seg.From == LadderSide.Left ? LeftX : RightX;
        double x2 = seg.From == LadderSide.Left ? RightX : LeftX;
        return (x1 + (x2 - x1) * 2 / 3, y1 + (y2 - y1) * 2 / 3);
    }

    private static void AppendSegment(StringBuilder sb, LadderSegment seg, double y1, double y2, LadderLabelPlacer.Placement label)
    {
        double x1 = seg.From == LadderSide.Left ? LeftX : RightX;
        double x2 = seg.From == LadderSide.Left ? RightX : LeftX;
        bool reset = (seg.Segment.Flags & SynAck.Wire.TcpFlags.Rst) != 0;
        string colour = reset ? "#b3261e" : "#1f3b73";
        sb.Append(CultureInfo.InvariantCulture, $"<g class=\"segment{(seg.Dropped ? " dropped" : "")}\">");
        if (seg.Dropped)
        {
            var (xe, ye) = DropPoint(seg, y1, y2);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x1:0.#}\" y1=\"{y1:0.#}\" x2=\"{xe:0.#}\" y2=\"{ye:0.#}\" stroke=\"{colour}\" stroke-width=\"1.6\" stroke-dasharray=\"5,3\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<path class=\"drop\" d=\"M{xe - 7:0.#},{ye - 7:0.#} L{xe + 7:0.#},{ye + 7:0.#} M{xe - 7:0.#},{ye + 7:0.#} L{xe + 7:0.#},{ye - 7:0.#}\" stroke=\"#d00000\" stroke-width=\"3\"/>");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x1:0.#}\" y1=\"{y1:0.#}\" x2=\"{x2:0.#}\" y2=\"{y2:0.#}\" stroke=\"{colour}\" stroke-width=\"1.6\" marker-end=\"url(#head)\"/>");
        }
        // Rotated along the arrow, above it, from near the sender's end; the white halo keeps it readable over lines.
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{label.X:0.#}\" y=\"{label.Y:0.#}\" fill=\"{colour}\" font-size=\"11\" stroke=\"#fff\" stroke-width=\"3.5\" stroke-linejoin=\"round\" paint-order=\"stroke\" transform=\"rotate({label.Angle:0.##} {label.X:0.#} {label.Y:0.#})\">{Esc(seg.Segment.Label(2))}</text>");
        if (seg.Dropped && seg.DropReason is { } why)
            sb.Append(CultureInfo.InvariantCulture, $"<title>lost: {Esc(why)}</title>");
        sb.Append("</g>\n");
    }

    private static string Esc(string s) => SecurityElement.Escape(s) ?? "";
}
