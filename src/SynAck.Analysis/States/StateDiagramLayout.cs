namespace SynAck.Analysis.States;

/// <summary>
/// Where each of RFC 9293's eleven states sits in the drawing, following the arrangement of RFC 9293
/// Figure 5: opening states at the top, ESTABLISHED in the middle, the active close down the left and the
/// passive close down the right, TIME-WAIT at the bottom.
/// </summary>
internal static class StateDiagramLayout
{
    public const double NodeWidth = 128;
    public const double NodeHeight = 34;

    private static readonly Dictionary<string, (double X, double Y)> s_positions = new(StringComparer.Ordinal)
    {
        ["CLOSED"] = (470, 60),
        ["LISTEN"] = (470, 170),
        ["SYN-RECEIVED"] = (190, 290),
        ["SYN-SENT"] = (750, 290),
        ["ESTABLISHED"] = (470, 410),
        ["FIN-WAIT-1"] = (190, 530),
        ["CLOSE-WAIT"] = (750, 530),
        ["FIN-WAIT-2"] = (110, 660),
        ["CLOSING"] = (370, 660),
        ["LAST-ACK"] = (750, 660),
        ["TIME-WAIT"] = (250, 790),
    };

    public static IEnumerable<string> States => s_positions.Keys;

    public static (double X, double Y) Position(string state)
        => s_positions.TryGetValue(state, out var p) ? p : throw new ArgumentException($"'{state}' is not an RFC 9293 state", nameof(state));

    public static bool IsKnown(string state) => s_positions.ContainsKey(state);
}
