namespace SynAck.Analysis.States;

/// <summary>
/// Puts each edge label beside its line, clear of the boxes, of every line and of the labels already placed:
/// it tries the route's anchors in order, on the right of travel and then on the left, and takes the first spot
/// that touches nothing (or, failing that, the one that touches least).
/// </summary>
internal sealed class LabelPlacer
{
    /// <summary>Width of one character at the label font size (DejaVu Sans at 10 px averages under 6.2).</summary>
    public const double CharWidth = 6.2;
    public const double LabelHeight = 13;
    private const double Gap = 3;

    private readonly List<DiagramRect> _boxes = [];
    private readonly List<(DiagramPoint A, DiagramPoint B)> _segments = [];
    private readonly List<DiagramRect> _labels = [];

    public void AddObstacle(DiagramRect box) => _boxes.Add(box.Inflate(2));

    public void AddObstacle(EdgeRoute route) => _segments.AddRange(route.Segments());

    public void AddObstacle(IReadOnlyList<DiagramPoint> polyline)
    {
        for (int i = 1; i < polyline.Count; i++)
            _segments.Add((polyline[i - 1], polyline[i]));
    }

    public static double Width(string text) => text.Length * CharWidth + 4;

    public DiagramRect Place(string text, EdgeRoute route)
    {
        double w = Width(text), h = LabelHeight;
        DiagramRect best = default;
        int bestHits = int.MaxValue;
        foreach (var (at, dir) in route.LabelAnchors)
        {
            double len = Math.Sqrt(dir.X * dir.X + dir.Y * dir.Y);
            if (len == 0)
                continue;
            // The right of travel in screen coordinates (y down) is (-dy, dx); try it first, then the left.
            var right = new DiagramPoint(-dir.Y / len, dir.X / len);
            var left = new DiagramPoint(-right.X, -right.Y);
            foreach (var n in route.LabelLeftFirst ? (ReadOnlySpan<DiagramPoint>)[left, right] : [right, left])
            {
                double reach = Gap + Math.Abs(n.X) * w / 2 + Math.Abs(n.Y) * h / 2;
                var rect = DiagramRect.Centered(at.X + n.X * reach, at.Y + n.Y * reach, w, h);
                int hits = Hits(rect);
                if (hits == 0)
                {
                    _labels.Add(rect);
                    return rect;
                }
                if (hits < bestHits)
                    (best, bestHits) = (rect, hits);
            }
        }
        _labels.Add(best);
        return best;
    }

    private int Hits(DiagramRect rect)
    {
        int hits = 0;
        var padded = rect.Inflate(1.5);
        foreach (var b in _boxes)
        {
            if (b.Intersects(padded))
                hits++;
        }
        foreach (var l in _labels)
        {
            if (l.Intersects(padded))
                hits += 2;
        }
        foreach (var (a, b) in _segments)
        {
            if (padded.Intersects(a, b))
                hits++;
        }
        return hits;
    }
}
