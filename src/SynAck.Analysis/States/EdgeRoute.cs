using System.Globalization;
using System.Text;

namespace SynAck.Analysis.States;

/// <summary>
/// The line an arrow follows: a polyline (straight or with right-angle elbows) or a gentle quadratic curve, with
/// the SVG path data to draw it and the places along it where a label may sit (point and direction of travel).
/// </summary>
internal sealed class EdgeRoute
{
    private static readonly double[] s_fractions = [0.5, 0.35, 0.65, 0.22, 0.78];

    private EdgeRoute(IReadOnlyList<DiagramPoint> points, string pathData, IReadOnlyList<(DiagramPoint At, DiagramPoint Direction)> anchors)
    {
        Points = points;
        PathData = pathData;
        LabelAnchors = anchors;
    }

    /// <summary>The route as a polyline; a curve is sampled finely enough for collision tests.</summary>
    public IReadOnlyList<DiagramPoint> Points { get; }

    public string PathData { get; }

    /// <summary>Whether labels try the left of travel before the right (to keep clear of a neighbouring arc's label).</summary>
    public bool LabelLeftFirst { get; private init; }

    /// <summary>Candidate label positions, best first.</summary>
    public IReadOnlyList<(DiagramPoint At, DiagramPoint Direction)> LabelAnchors { get; }

    public DiagramPoint Start => Points[0];

    public DiagramPoint End => Points[^1];

    public IEnumerable<(DiagramPoint A, DiagramPoint B)> Segments()
    {
        for (int i = 1; i < Points.Count; i++)
            yield return (Points[i - 1], Points[i]);
    }

    /// <summary>A polyline; labels prefer segment <paramref name="preferredSegment"/>, then the longer segments.</summary>
    public static EdgeRoute Polyline(IReadOnlyList<DiagramPoint> points, int preferredSegment = -1, bool labelLeftFirst = false)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < points.Count; i++)
            sb.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "M" : " L")}{points[i].X:0.#},{points[i].Y:0.#}");
        var order = Enumerable.Range(0, points.Count - 1)
            .OrderBy(i => i == preferredSegment ? 0 : 1)
            .ThenByDescending(i => Length(points[i], points[i + 1]))
            .ToList();
        var anchors = new List<(DiagramPoint, DiagramPoint)>();
        foreach (int i in order)
        {
            var (a, b) = (points[i], points[i + 1]);
            foreach (double t in s_fractions)
                anchors.Add((Lerp(a, b, t), new DiagramPoint(b.X - a.X, b.Y - a.Y)));
        }
        return new EdgeRoute(points, sb.ToString(), anchors) { LabelLeftFirst = labelLeftFirst };
    }

    /// <summary>A quadratic Bézier from <paramref name="a"/> to <paramref name="b"/> with control point <paramref name="c"/>.</summary>
    public static EdgeRoute Quadratic(DiagramPoint a, DiagramPoint c, DiagramPoint b)
    {
        const int Samples = 16;
        var points = new List<DiagramPoint>(Samples + 1);
        for (int i = 0; i <= Samples; i++)
            points.Add(Bezier(a, c, b, (double)i / Samples));
        var anchors = s_fractions.Select(t =>
        {
            // The tangent of a quadratic Bézier: 2(1-t)(c-a) + 2t(b-c).
            var d = new DiagramPoint(2 * (1 - t) * (c.X - a.X) + 2 * t * (b.X - c.X), 2 * (1 - t) * (c.Y - a.Y) + 2 * t * (b.Y - c.Y));
            return (Bezier(a, c, b, t), d);
        }).ToList();
        string path = string.Create(CultureInfo.InvariantCulture, $"M{a.X:0.#},{a.Y:0.#} Q{c.X:0.#},{c.Y:0.#} {b.X:0.#},{b.Y:0.#}");
        return new EdgeRoute(points, path, anchors);
    }

    private static DiagramPoint Bezier(DiagramPoint a, DiagramPoint c, DiagramPoint b, double t)
    {
        double u = 1 - t;
        return new(u * u * a.X + 2 * u * t * c.X + t * t * b.X, u * u * a.Y + 2 * u * t * c.Y + t * t * b.Y);
    }

    private static DiagramPoint Lerp(DiagramPoint a, DiagramPoint b, double t) => new(a.X + (b.X - a.X) * t, a.Y + (b.Y - a.Y) * t);

    private static double Length(DiagramPoint a, DiagramPoint b) => Math.Sqrt((b.X - a.X) * (b.X - a.X) + (b.Y - a.Y) * (b.Y - a.Y));
}
