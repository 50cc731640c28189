namespace SynAck.Analysis.States;

/// <summary>An axis-aligned box in SVG user units: a state's box, a label's extent, the canvas.</summary>
internal readonly record struct DiagramRect(double X, double Y, double Width, double Height)
{
    public double Right => X + Width;

    public double Bottom => Y + Height;

    public double CenterX => X + Width / 2;

    public double CenterY => Y + Height / 2;

    public static DiagramRect Centered(double cx, double cy, double width, double height) => new(cx - width / 2, cy - height / 2, width, height);

    public DiagramRect Inflate(double d) => new(X - d, Y - d, Width + 2 * d, Height + 2 * d);

    /// <summary>Overlap with a positive area; boxes that only touch do not intersect.</summary>
    public bool Intersects(DiagramRect o) => X < o.Right && o.X < Right && Y < o.Bottom && o.Y < Bottom;

    public DiagramRect Union(DiagramRect o)
    {
        double x = Math.Min(X, o.X), y = Math.Min(Y, o.Y);
        return new(x, y, Math.Max(Right, o.Right) - x, Math.Max(Bottom, o.Bottom) - y);
    }

    public DiagramRect Union(DiagramPoint p) => Union(new DiagramRect(p.X, p.Y, 0, 0));

    /// <summary>Whether the segment from <paramref name="a"/> to <paramref name="b"/> passes through the box (Liang–Barsky clipping).</summary>
    public bool Intersects(DiagramPoint a, DiagramPoint b)
    {
        double t0 = 0, t1 = 1, dx = b.X - a.X, dy = b.Y - a.Y;
        return Clip(-dx, a.X - X, ref t0, ref t1) && Clip(dx, Right - a.X, ref t0, ref t1)
            && Clip(-dy, a.Y - Y, ref t0, ref t1) && Clip(dy, Bottom - a.Y, ref t0, ref t1);
    }

    private static bool Clip(double p, double q, ref double t0, ref double t1)
    {
        if (p == 0)
            return q > 0;
        double r = q / p;
        if (p < 0)
        {
            if (r > t1)
                return false;
            t0 = Math.Max(t0, r);
        }
        else
        {
            if (r < t0)
                return false;
            t1 = Math.Min(t1, r);
        }
        return t0 < t1;
    }
}
