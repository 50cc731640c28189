namespace SynAck.Analysis.States;

/// <summary>
/// Where each of RFC 9293's eleven states sits in the drawing, following the arrangement of RFC 9293
/// Figure 5: opening states at the top, ESTABLISHED in the middle, the active close down the left and the
/// passive close down the right, TIME-WAIT at the bottom between them. Also the hand-drawn routes of the arcs
/// that would otherwise cut across the figure (the two long returns to CLOSED, the elbows to SYN-SENT), and the
/// stubs that carry each state's reset/abort/timeout arc to the shared CLOSED sink below the figure.
/// </summary>
internal static class StateDiagramLayout
{
    public const double NodeWidth = 128;
    public const double NodeHeight = 34;

    /// <summary>The vertical trunks the reset stubs join, the bus they run along and the sink box on it.</summary>
    public const double LeftTrunkX = 70;
    public const double RightTrunkX = 830;
    public const double BusY = 790;
    public const double SinkWidth = 236;
    public const double SinkHeight = 30;
    public static readonly DiagramPoint SinkCenter = new(450, BusY);

    private const double HalfWidth = NodeWidth / 2;
    private const double HalfHeight = NodeHeight / 2;

    private static readonly Dictionary<string, (double X, double Y)> s_positions = new(StringComparer.Ordinal)
    {
        ["CLOSED"] = (450, 80),
        ["LISTEN"] = (450, 190),
        ["SYN-RECEIVED"] = (200, 300),
        ["SYN-SENT"] = (700, 300),
        ["ESTABLISHED"] = (450, 410),
        ["FIN-WAIT-1"] = (200, 530),
        ["CLOSING"] = (450, 530),
        ["CLOSE-WAIT"] = (700, 530),
        ["FIN-WAIT-2"] = (200, 660),
        ["TIME-WAIT"] = (450, 660),
        ["LAST-ACK"] = (700, 660),
    };

    // Arcs drawn by hand: parallel verticals between CLOSED and LISTEN, nested elbows between CLOSED and SYN-SENT,
    // and the two returns to CLOSED along channels outside the figure (RFC 9293 draws a second CLOSED box instead).
    private static readonly Dictionary<(string From, string To), EdgeRoute> s_routes = new()
    {
        [("CLOSED", "LISTEN")] = Route(-1, (435, 97), (435, 173)),
        [("LISTEN", "CLOSED")] = Route(-1, (465, 173), (465, 97)),
        [("CLOSED", "SYN-SENT")] = Route(-1, (514, 88), (685, 88), (685, 283)),
        [("SYN-SENT", "CLOSED")] = Route(-1, (725, 283), (725, 72), (514, 72)),
        // Its label goes under the line, away from the label of SYN-RECEIVED → LISTEN just above it.
        [("SYN-SENT", "SYN-RECEIVED")] = EdgeRoute.Polyline([new(636, 300), new(264, 300)], labelLeftFirst: true),
        [("TIME-WAIT", "CLOSED")] = Route(1, (420, 677), (420, 730), (30, 730), (30, 40), (430, 40), (430, 63)),
        [("LAST-ACK", "CLOSED")] = Route(0, (764, 660), (880, 660), (880, 40), (470, 40), (470, 63)),
    };

    // Each state's reset stub: from the box to a trunk (x = LeftTrunkX or RightTrunkX) or straight onto the bus (y = BusY).
    private static readonly Dictionary<string, DiagramPoint[]> s_stubs = new(StringComparer.Ordinal)
    {
        ["LISTEN"] = [new(386, 190), new(LeftTrunkX, 190)],
        ["SYN-RECEIVED"] = [new(136, 300), new(LeftTrunkX, 300)],
        ["FIN-WAIT-1"] = [new(136, 530), new(LeftTrunkX, 530)],
        ["FIN-WAIT-2"] = [new(136, 660), new(LeftTrunkX, 660)],
        ["SYN-SENT"] = [new(764, 300), new(RightTrunkX, 300)],
        ["ESTABLISHED"] = [new(514, 410), new(RightTrunkX, 410)],
        ["CLOSE-WAIT"] = [new(764, 530), new(RightTrunkX, 530)],
        ["CLOSING"] = [new(514, 530), new(575, 530), new(575, BusY)],
        ["LAST-ACK"] = [new(700, 677), new(700, BusY)],
    };

    public static IEnumerable<string> States => s_positions.Keys;

    public static (double X, double Y) Position(string state)
        => s_positions.TryGetValue(state, out var p) ? p : throw new ArgumentException($"'{state}' is not an RFC 9293 state", nameof(state));

    public static bool IsKnown(string state) => s_positions.ContainsKey(state);

    public static DiagramRect Box(string state)
    {
        var (x, y) = Position(state);
        return DiagramRect.Centered(x, y, NodeWidth, NodeHeight);
    }

    public static DiagramRect SinkBox => DiagramRect.Centered(SinkCenter.X, SinkCenter.Y, SinkWidth, SinkHeight);

    /// <summary>
    /// The route of a main arc: hand-drawn when the figure needs it, else straight from border to border, or a
    /// line shifted to the right of travel when the opposite arc exists too (so the pair runs as two parallel lines).
    /// </summary>
    public static EdgeRoute MainRoute(string from, string to, bool reverseExists)
    {
        if (s_routes.TryGetValue((from, to), out var route))
            return route;
        var (x1, y1) = Position(from);
        var (x2, y2) = Position(to);
        var s = Border(x1, y1, x2, y2);
        var e = Border(x2, y2, x1, y1);
        if (!reverseExists)
            return EdgeRoute.Polyline([s, e]);
        // Opposite arcs run as two parallel lines a few units either side of the centre line.
        double dx = e.X - s.X, dy = e.Y - s.Y, len = Math.Max(1, Math.Sqrt(dx * dx + dy * dy));
        const double Offset = 5;
        double ox = -dy / len * Offset, oy = dx / len * Offset;
        return EdgeRoute.Polyline([new(s.X + ox, s.Y + oy), new(e.X + ox, e.Y + oy)]);
    }

    /// <summary>The short stub from a state to the trunk or bus, or null for a state that has none.</summary>
    public static IReadOnlyList<DiagramPoint>? Stub(string state) => s_stubs.GetValueOrDefault(state);

    /// <summary>The whole way from a state to the sink: its stub, down its trunk, along the bus into the sink box.</summary>
    public static IReadOnlyList<DiagramPoint> SinkPath(string state)
    {
        var sink = SinkBox;
        if (Stub(state) is not { } stub)
        {
            // A state without a stub (only in hand-made tables) goes straight to the sink's top.
            var (x, y) = Position(state);
            return [Border(x, y, sink.CenterX, sink.Y), new(sink.CenterX, sink.Y)];
        }
        var path = new List<DiagramPoint>(stub);
        var junction = stub[^1];
        if (junction.Y != BusY)
            path.Add(new(junction.X, BusY));
        path.Add(new(junction.X < sink.CenterX ? sink.X : sink.Right, BusY));
        return path;
    }

    /// <summary>Where the straight line from a box's centre towards a point leaves the box.</summary>
    public static DiagramPoint Border(double x, double y, double towardX, double towardY)
    {
        double dx = towardX - x, dy = towardY - y;
        if (dx == 0 && dy == 0)
            return new(x, y - HalfHeight);
        double scale = Math.Min(dx == 0 ? double.MaxValue : HalfWidth / Math.Abs(dx), dy == 0 ? double.MaxValue : HalfHeight / Math.Abs(dy));
        return new(x + dx * scale, y + dy * scale);
    }

    private static EdgeRoute Route(int preferredLabelSegment, params (double X, double Y)[] points)
        => EdgeRoute.Polyline(points.Select(p => new DiagramPoint(p.X, p.Y)).ToList(), preferredLabelSegment);
}
