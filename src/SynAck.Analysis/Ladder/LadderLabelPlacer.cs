using SynAck.Analysis.States;

namespace SynAck.Analysis.Ladder;

/// <summary>
/// Where a segment's label goes on a ladder: rotated along its own arrow, just above it, starting a little way
/// from the sender's end — so the labels of two arrows that cross sit at opposite ends. When that spot touches a
/// label already placed (or a note, or a loss cross), the label slides along its arrow towards the receiver and,
/// failing that, is lifted away from the line step by step; the spot touching least wins.
/// </summary>
internal sealed class LadderLabelPlacer
{
    /// <summary>Width of a character at the label size (11 px DejaVu Sans averages under 6.7 units).</summary>
    public const double CharWidth = 6.7;
    public const double Height = 13;
    private const double FromSender = 14;
    private const double Lift = 3;

    private readonly List<DiagramPoint[]> _taken = [];
    private readonly List<(DiagramPoint[] Quad, object Owner)> _lines = [];

    /// <summary>A placed label: where its baseline starts, the angle of its arrow, and the rotated box it covers.</summary>
    public readonly record struct Placement(double X, double Y, double Angle, DiagramPoint[] Corners);

    /// <summary>An arrow other labels should keep off (a label may still cross one when there is no other room).</summary>
    public void AddLine(object owner, double x1, double y1, double x2, double y2)
    {
        double dx = x2 - x1, dy = y2 - y1, len = Math.Max(1, Math.Sqrt(dx * dx + dy * dy));
        double nx = -dy / len, ny = dx / len;
        _lines.Add(([new(x1 + nx, y1 + ny), new(x2 + nx, y2 + ny), new(x2 - nx, y2 - ny), new(x1 - nx, y1 - ny)], owner));
    }

    public void AddObstacle(DiagramRect box) => _taken.Add([new(box.X, box.Y), new(box.Right, box.Y), new(box.Right, box.Bottom), new(box.X, box.Bottom)]);

    /// <summary>Places a label of <paramref name="text"/> along the arrow from (x1, y1), the sender, to (x2, y2).</summary>
    public Placement Place(object owner, string text, double x1, double y1, double x2, double y2)
    {
        double w = text.Length * CharWidth;
        double dx = x2 - x1, dy = y2 - y1, len = Math.Max(1, Math.Sqrt(dx * dx + dy * dy));
        // Unit vector along the arrow in reading direction (left to right) and its upward normal.
        double ux = dx / len, uy = dy / len;
        if (ux < 0)
            (ux, uy) = (-ux, -uy);
        double nx = uy, ny = -ux;
        double angle = Math.Atan2(uy, ux) * 180 / Math.PI;
        bool fromLeft = x1 < x2;
        double room = Math.Max(0, len - w - 2 * FromSender);

        Placement best = default;
        int bestHits = int.MaxValue;
        foreach (double lift in (ReadOnlySpan<double>)[Lift, Lift + 11, Lift + 22])
        {
            for (double slide = 0; slide <= room + 0.1; slide += 8)
            {
                // Distance of the label's left end from the arrow's left end, measured along the arrow.
                double start = fromLeft ? FromSender + slide : len - FromSender - slide - w;
                double lx = Math.Min(x1, x2) == x1 ? x1 : x2, ly = Math.Min(x1, x2) == x1 ? y1 : y2;
                double bx = lx + ux * start + nx * lift, by = ly + uy * start + ny * lift;
                var corners = Corners(bx, by, ux, uy, nx, ny, w);
                // Another label or a note under this one hides text; a crossing arrow only hides a bit of line.
                int hits = 4 * _taken.Count(t => Overlap(t, corners)) + _lines.Count(l => l.Owner != owner && Overlap(l.Quad, corners));
                if (hits < bestHits)
                    (best, bestHits) = (new Placement(bx, by, angle, corners), hits);
                if (hits == 0)
                {
                    _taken.Add(corners);
                    return best;
                }
            }
        }
        _taken.Add(best.Corners);
        return best;
    }

    // The rotated box of the label whose baseline starts at (bx, by): a little below the baseline for descenders,
    // Height above it, w along the arrow.
    private static DiagramPoint[] Corners(double bx, double by, double ux, double uy, double nx, double ny, double w)
    {
        const double Below = 3;
        return
        [
            new(bx - nx * Below, by - ny * Below),
            new(bx + ux * w - nx * Below, by + uy * w - ny * Below),
            new(bx + ux * w + nx * (Height - Below), by + uy * w + ny * (Height - Below)),
            new(bx + nx * (Height - Below), by + ny * (Height - Below)),
        ];
    }

    /// <summary>Whether two convex quadrilaterals overlap with a positive area (separating axis test).</summary>
    public static bool Overlap(DiagramPoint[] a, DiagramPoint[] b) => !Separated(a, b) && !Separated(b, a);

    private static bool Separated(DiagramPoint[] a, DiagramPoint[] b)
    {
        for (int i = 0; i < a.Length; i++)
        {
            var p = a[i];
            var q = a[(i + 1) % a.Length];
            double ax = -(q.Y - p.Y), ay = q.X - p.X;
            var (minA, maxA) = Project(a, ax, ay);
            var (minB, maxB) = Project(b, ax, ay);
            if (maxA <= minB + 1e-9 || maxB <= minA + 1e-9)
                return true;
        }
        return false;
    }

    private static (double Min, double Max) Project(DiagramPoint[] poly, double ax, double ay)
    {
        double min = double.MaxValue, max = double.MinValue;
        foreach (var p in poly)
        {
            double d = p.X * ax + p.Y * ay;
            min = Math.Min(min, d);
            max = Math.Max(max, d);
        }
        return (min, max);
    }
}
