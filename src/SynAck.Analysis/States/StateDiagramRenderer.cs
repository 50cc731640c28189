using System.Globalization;
using System.Security;
using System.Text;

namespace SynAck.Analysis.States;

/// <summary>
/// Draws a TCP state diagram from a transition table — the engine's own — as text (grouped by state) or as a
/// standalone SVG. Edges can be highlighted per side to show the path a scenario took.
/// </summary>
public sealed class StateDiagramRenderer
{
    /// <summary>Text form: each state with the transitions that leave it; highlighted edges are marked L, R or LR.</summary>
    public string RenderText(IReadOnlyList<StateEdge> edges, ISet<StateEdge>? left = null, ISet<StateEdge>? right = null)
    {
        var sb = new StringBuilder();
        foreach (var state in StateDiagramLayout.States)
        {
            var outgoing = edges.Where(e => e.From == state).ToList();
            sb.Append(state).Append('\n');
            if (outgoing.Count == 0)
                sb.Append("    (no transitions)\n");
            foreach (var e in outgoing)
            {
                string mark = Mark(e, left, right);
                sb.Append(CultureInfo.InvariantCulture, $"  {mark,-3}→ {e.To,-13} on {e.Cause}\n");
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// SVG form: one box per state and one group per pair of states holding all the transitions between them. The
    /// arcs of RFC 9293 figure 5 are drawn with their labels; the reset, abort and timeout arcs into CLOSED are thin
    /// dashed stubs into one shared sink below the figure, explained once in the legend. Labels sit beside their
    /// line on a white halo, clear of each other; the canvas is sized to what is drawn.
    /// </summary>
    public string RenderSvg(IReadOnlyList<StateEdge> edges, string title, ISet<StateEdge>? left = null, ISet<StateEdge>? right = null)
    {
        var plan = StateDiagramPlan.Build(edges, left, right);
        bool highlighting = left is not null || right is not null;
        var legend = Legend(highlighting, plan.Sink is not null);

        const double Margin = 24, Band = 84;
        double contentWidth = plan.Bounds.Width + 2 * Margin;
        double width = Math.Ceiling(Math.Max(contentWidth, Math.Max(title.Length * 8.6, legend.Sum(l => l.Width)) + 2 * Margin));
        double height = Math.Ceiling(Band + plan.Bounds.Height + Margin);
        double dx = Margin - plan.Bounds.X + (width - contentWidth) / 2, dy = Band - plan.Bounds.Y;

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"11\">\n");
        sb.Append("<defs>");
        foreach (var (id, colour) in new[] { ("a", Grey), ("s", SinkGrey), ("l", Blue), ("r", Red), ("lr", Purple) })
            sb.Append(CultureInfo.InvariantCulture, $"<marker id=\"h{id}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"{(id == "a" || id == "s" ? 8 : 10)}\" markerHeight=\"{(id == "a" || id == "s" ? 8 : 10)}\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>");
        sb.Append("</defs>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"#fff\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"title\" x=\"{width / 2:0.#}\" y=\"26\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Esc(title)}</text>\n");
        AppendLegend(sb, legend, width / 2, 50);

        sb.Append(CultureInfo.InvariantCulture, $"<g transform=\"translate({dx:0.#},{dy:0.#})\">\n");
        foreach (var bus in plan.Bus)
            sb.Append(CultureInfo.InvariantCulture, $"<path class=\"bus\" d=\"{Path(bus)}\" fill=\"none\" stroke=\"{SinkGrey}\" stroke-width=\"1\" stroke-dasharray=\"4,3\" marker-end=\"url(#hs)\"/>\n");
        if (plan.Sink is { } sink)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"sink\"><rect x=\"{sink.X:0.#}\" y=\"{sink.Y:0.#}\" width=\"{sink.Width:0.#}\" height=\"{sink.Height:0.#}\" rx=\"8\" fill=\"#f5f5f5\" stroke=\"{SinkGrey}\" stroke-dasharray=\"4,3\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{sink.CenterX:0.#}\" y=\"{sink.CenterY + 4:0.#}\" text-anchor=\"middle\" fill=\"#555\">CLOSED (reset, abort or timeout)</text></g>\n");
        }
        // Plain arcs first, highlighted ones last so that they are drawn on top.
        foreach (var t in plan.Transitions.OrderBy(t => t.Mark.Length))
            AppendTransition(sb, t);
        foreach (var s in plan.States)
        {
            var b = s.Box;
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"state\" data-state=\"{s.State}\"><rect x=\"{b.X:0.#}\" y=\"{b.Y:0.#}\" width=\"{b.Width:0.#}\" height=\"{b.Height:0.#}\" rx=\"8\" fill=\"{(s.Visited ? "#fff8e1" : "#f3f6fb")}\" stroke=\"#1f3b73\" stroke-width=\"{(s.Visited ? 2.5 : 1.5)}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{b.CenterX:0.#}\" y=\"{b.CenterY + 4.5:0.#}\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">{s.State}</text></g>\n");
        }
        sb.Append("</g>\n</svg>\n");
        return sb.ToString();
    }

    private const string Grey = "#555";
    private const string SinkGrey = "#9e9e9e";
    private const string Blue = "#1565c0";
    private const string Red = "#c62828";
    private const string Purple = "#6a1b9a";

    private static void AppendTransition(StringBuilder sb, TransitionPlan t)
    {
        string causes = string.Join(",", t.Edges.Select(e => e.Cause));
        sb.Append(CultureInfo.InvariantCulture, $"<g class=\"transition\" data-from=\"{t.From}\" data-to=\"{t.To}\" data-causes=\"{Esc(causes)}\"{(t.Mark.Length > 0 ? $" data-highlight=\"{t.Mark}\"" : "")}>");
        if (t.ResetPath is { } reset)
        {
            // Unhighlighted, only the stub to the trunk is drawn; the shared bus carries it on to the sink.
            if (t.ResetMark.Length == 0)
                sb.Append(CultureInfo.InvariantCulture, $"<path class=\"reset\" d=\"{Path(reset)}\" fill=\"none\" stroke=\"{SinkGrey}\" stroke-width=\"1\" stroke-dasharray=\"4,3\"/>");
            else
                sb.Append(CultureInfo.InvariantCulture, $"<path class=\"reset\" d=\"{Path(reset)}\" fill=\"none\" stroke=\"{Colour(t.ResetMark)}\" stroke-width=\"2.2\" stroke-dasharray=\"7,3\" marker-end=\"url(#{Marker(t.ResetMark)})\"/>");
        }
        if (t.MainRoute is { } route)
        {
            string colour = Colour(t.MainMark);
            sb.Append(CultureInfo.InvariantCulture, $"<path class=\"arc\" d=\"{route.PathData}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{(t.MainMark.Length > 0 ? 2.4 : 1.2)}\" stroke-linejoin=\"round\" marker-end=\"url(#{Marker(t.MainMark)})\"/>");
            var b = t.LabelBox;
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{b.CenterX:0.#}\" y=\"{b.CenterY + 3.5:0.#}\" text-anchor=\"middle\" fill=\"{colour}\" font-size=\"10\"{(t.MainMark.Length > 0 ? " font-weight=\"bold\"" : "")} stroke=\"#fff\" stroke-width=\"3.5\" stroke-linejoin=\"round\" paint-order=\"stroke\">{Esc(t.Label!)}</text>");
        }
        sb.Append("</g>\n");
    }

    private static List<(string Kind, string Text, string Colour, double Width)> Legend(bool highlighting, bool sink)
    {
        var items = new List<(string, string, string, double)>();
        if (highlighting)
        {
            items.Add(("key", "left side (client)", Blue, LegendWidth("left side (client)")));
            items.Add(("key", "right side (server)", Red, LegendWidth("right side (server)")));
            items.Add(("key", "both", Purple, LegendWidth("both")));
        }
        if (sink)
            items.Add(("dash", "rcv RST, ABORT or timeout → CLOSED", SinkGrey, LegendWidth("rcv RST, ABORT or timeout → CLOSED")));
        return items;
    }

    // Key line, gap, text at about 6.4 units a character at 11 px, space before the next entry.
    private static double LegendWidth(string text) => 34 + text.Length * 6.4 + 22;

    private static void AppendLegend(StringBuilder sb, List<(string Kind, string Text, string Colour, double Width)> items, double centre, double y)
    {
        if (items.Count == 0)
            return;
        double x = centre - items.Sum(i => i.Width) / 2;
        sb.Append("<g class=\"legend\" font-size=\"11\">");
        foreach (var (kind, text, colour, width) in items)
        {
            if (kind == "dash")
                sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" y1=\"{y - 4:0.#}\" x2=\"{x + 28:0.#}\" y2=\"{y - 4:0.#}\" stroke=\"{colour}\" stroke-dasharray=\"4,3\"/>");
            else
                sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" y1=\"{y - 4:0.#}\" x2=\"{x + 28:0.#}\" y2=\"{y - 4:0.#}\" stroke=\"{colour}\" stroke-width=\"2.4\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 34:0.#}\" y=\"{y:0.#}\" fill=\"{(kind == "dash" ? "#555" : colour)}\">{Esc(text)}</text>");
            x += width;
        }
        sb.Append("</g>\n");
    }

    private static string Path(IReadOnlyList<DiagramPoint> points)
        => string.Join(" ", points.Select((p, i) => string.Create(CultureInfo.InvariantCulture, $"{(i == 0 ? "M" : "L")}{p.X:0.#},{p.Y:0.#}")));

    private static string Colour(string mark) => mark switch { "LR" => Purple, "L" => Blue, "R" => Red, _ => Grey };

    private static string Marker(string mark) => mark switch { "LR" => "hlr", "L" => "hl", "R" => "hr", _ => "ha" };

    private static string Mark(StateEdge e, ISet<StateEdge>? left, ISet<StateEdge>? right)
        => (Has(left, e), Has(right, e)) switch { (true, true) => "LR", (true, false) => "L", (false, true) => "R", _ => "" };

    private static bool Has(ISet<StateEdge>? set, StateEdge e) => set is not null && set.Contains(e);

    private static string Esc(string s) => SecurityElement.Escape(s) ?? "";
}
