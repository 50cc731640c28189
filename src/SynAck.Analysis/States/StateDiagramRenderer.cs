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
    private const double Width = 940;
    private const double Height = 880;

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

    /// <summary>SVG form: one box per state, one arrow per transition (parallel arrows between the same states merge their labels).</summary>
    public string RenderSvg(IReadOnlyList<StateEdge> edges, string title, ISet<StateEdge>? left = null, ISet<StateEdge>? right = null)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"11\">\n");
        sb.Append("<defs>");
        foreach (var (id, colour) in new[] { ("a", "#555"), ("l", "#1565c0"), ("r", "#c62828"), ("lr", "#6a1b9a") })
            sb.Append(CultureInfo.InvariantCulture, $"<marker id=\"h{id}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>");
        sb.Append("</defs>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"#fff\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Esc(title)}</text>\n");
        if (left is not null || right is not null)
            sb.Append("<text x=\"20\" y=\"24\" font-size=\"12\"><tspan fill=\"#1565c0\">■ left side</tspan> <tspan fill=\"#c62828\">■ right side</tspan> <tspan fill=\"#6a1b9a\">■ both</tspan></text>\n");

        // Parallel transitions (same from and to, different causes) share one arrow whose label lists the causes.
        foreach (var group in edges.GroupBy(e => (e.From, e.To)))
        {
            var list = group.ToList();
            string mark = list.Select(e => Mark(e, left, right)).OrderByDescending(m => m.Length).First().Trim();
            AppendEdge(sb, group.Key.From, group.Key.To, string.Join(" | ", list.Select(e => e.Cause)), mark, list);
        }

        foreach (var state in StateDiagramLayout.States)
        {
            var (x, y) = StateDiagramLayout.Position(state);
            double w = StateDiagramLayout.NodeWidth, h = StateDiagramLayout.NodeHeight;
            bool visited = edges.Any(e => (e.From == state || e.To == state) && (Has(left, e) || Has(right, e)));
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"state\" data-state=\"{state}\"><rect x=\"{x - w / 2:0.#}\" y=\"{y - h / 2:0.#}\" width=\"{w}\" height=\"{h}\" rx=\"8\" fill=\"{(visited ? "#fff8e1" : "#f3f6fb")}\" stroke=\"#1f3b73\" stroke-width=\"{(visited ? 2.5 : 1.5)}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{y + 4:0.#}\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">{state}</text></g>\n");
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static void AppendEdge(StringBuilder sb, string from, string to, string label, string mark, List<StateEdge> edges)
    {
        var (x1, y1) = StateDiagramLayout.Position(from);
        var (x2, y2) = StateDiagramLayout.Position(to);
        string colour = mark switch { "LR" => "#6a1b9a", "L" => "#1565c0", "R" => "#c62828", _ => "#555" };
        string marker = mark switch { "LR" => "hlr", "L" => "hl", "R" => "hr", _ => "ha" };
        double width = mark.Length > 0 ? 2.6 : 1.1;

        // Start and end on the boxes' borders; bend each arrow a little so opposite arrows do not overlap.
        var (sx, sy) = Border(x1, y1, x2, y2);
        var (ex, ey) = Border(x2, y2, x1, y1);
        double mx = (sx + ex) / 2, my = (sy + ey) / 2;
        double dx = ex - sx, dy = ey - sy, len = Math.Max(1, Math.Sqrt(dx * dx + dy * dy));
        double bend = 28 + (string.CompareOrdinal(from, to) < 0 ? 0 : 14);
        double cx = mx - dy / len * bend, cy = my + dx / len * bend;
        string causes = string.Join(",", edges.Select(e => e.Cause));
        sb.Append(CultureInfo.InvariantCulture, $"<g class=\"transition\" data-from=\"{from}\" data-to=\"{to}\" data-causes=\"{Esc(causes)}\"{(mark.Length > 0 ? $" data-highlight=\"{mark}\"" : "")}>");
        sb.Append(CultureInfo.InvariantCulture, $"<path d=\"M{sx:0.#},{sy:0.#} Q{cx:0.#},{cy:0.#} {ex:0.#},{ey:0.#}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\" marker-end=\"url(#{marker})\"/>");
        double lx = 0.25 * sx + 0.5 * cx + 0.25 * ex, ly = 0.25 * sy + 0.5 * cy + 0.25 * ey;
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{lx:0.#}\" y=\"{ly:0.#}\" text-anchor=\"middle\" fill=\"{colour}\" font-size=\"9.5\">{Esc(label)}</text></g>\n");
    }

    private static (double X, double Y) Border(double x, double y, double towardX, double towardY)
    {
        double hw = StateDiagramLayout.NodeWidth / 2, hh = StateDiagramLayout.NodeHeight / 2;
        double dx = towardX - x, dy = towardY - y;
        if (dx == 0 && dy == 0)
            return (x, y - hh);
        double scale = Math.Min(dx == 0 ? double.MaxValue : hw / Math.Abs(dx), dy == 0 ? double.MaxValue : hh / Math.Abs(dy));
        return (x + dx * scale, y + dy * scale);
    }

    private static string Mark(StateEdge e, ISet<StateEdge>? left, ISet<StateEdge>? right)
        => (Has(left, e), Has(right, e)) switch { (true, true) => "LR", (true, false) => "L", (false, true) => "R", _ => "" };

    private static bool Has(ISet<StateEdge>? set, StateEdge e) => set is not null && set.Contains(e);

    private static string Esc(string s) => SecurityElement.Escape(s) ?? "";
}
