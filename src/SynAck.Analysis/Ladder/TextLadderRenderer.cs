using System.Globalization;
using System.Text;

namespace SynAck.Analysis.Ladder;

/// <summary>
/// Draws a <see cref="LadderDiagram"/> as monospaced text that fits a terminal width (80 columns by default):
/// a time column, the left side's state, the arrow lane, and the right side's state.
/// Each segment is drawn on the row of the moment it was sent; the receiver's state change appears on the
/// row of the moment it arrived.
/// </summary>
public sealed class TextLadderRenderer
{
    private const int TimeWidth = 10;
    private const int StateWidth = 12;

    public TextLadderRenderer(LadderGlyphs? glyphs = null, int width = 80)
    {
        Glyphs = glyphs ?? LadderGlyphs.Unicode;
        if (width < 60)
            throw new ArgumentOutOfRangeException(nameof(width), width, "a ladder needs at least 60 columns");
        Width = width;
    }

    public LadderGlyphs Glyphs { get; }

    public int Width { get; }

    private int LaneWidth => Width - TimeWidth - 2 - 2 * (StateWidth + 2);

    public string Render(LadderDiagram diagram)
    {
        var sb = new StringBuilder();
        sb.Append(diagram.Title).Append('\n');
        string left = Fit(diagram.LeftLabel, (Width - 4) / 2);
        string right = Fit(diagram.RightLabel, (Width - 4) / 2);
        sb.Append("  ").Append(left).Append(' ', Math.Max(1, Width - 2 - left.Length - right.Length)).Append(right).Append('\n');
        sb.Append("ms".PadLeft(TimeWidth)).Append("  ").Append("state".PadRight(StateWidth + 2 + LaneWidth)).Append("state".PadLeft(StateWidth)).Append('\n');

        foreach (var row in BuildRows(diagram))
        {
            if (row.LabelAbove is { } above)
                sb.Append(' ', TimeWidth + 2 + StateWidth + 2).Append(above).Append('\n');
            string time = row.ShowTime ? FormatMs((row.At - diagram.Start).TotalMilliseconds) : "";
            var line = new StringBuilder();
            line.Append(time.PadLeft(TimeWidth)).Append("  ");
            line.Append(Fit(row.LeftState ?? "", StateWidth).PadRight(StateWidth)).Append("  ");
            line.Append(row.Lane ?? new string(' ', LaneWidth));
            line.Append("  ").Append(Fit(row.RightState ?? "", StateWidth));
            sb.Append(line.ToString().TrimEnd()).Append('\n');
        }
        return sb.ToString();
    }

    private List<Row> BuildRows(LadderDiagram diagram)
    {
        var rows = new List<Row>();
        Row? last = null;
        foreach (var entry in diagram.Entries)
        {
            switch (entry)
            {
                case LadderStateChange sc:
                    // A state change shares a row with what is already drawn at the same moment when its column is free.
                    if (last is not null && last.At == sc.At && last.StateOf(sc.Side) is null)
                    {
                        last.SetState(sc.Side, sc.State);
                    }
                    else
                    {
                        last = new Row(sc.At, ShowTime: last is null || last.At != sc.At);
                        last.SetState(sc.Side, sc.State);
                        rows.Add(last);
                    }
                    break;
                case LadderSegment seg:
                    var (lane, above) = DrawArrow(seg);
                    // A segment joins the previous row only when that row holds just a state change at the same moment.
                    if (last is not null && last.At == seg.At && last.Lane is null)
                    {
                        last.Lane = lane;
                        last.LabelAbove = above;
                    }
                    else
                    {
                        last = new Row(seg.At, ShowTime: last is null || last.At != seg.At) { Lane = lane, LabelAbove = above };
                        rows.Add(last);
                    }
                    break;
                case LadderNote note:
                    string text = Fit("(" + note.Text + ")", LaneWidth);
                    if (last is not null && last.At == note.At && last.Lane is null)
                    {
                        last.Lane = text.PadRight(LaneWidth);
                    }
                    else
                    {
                        last = new Row(note.At, ShowTime: last is null || last.At != note.At) { Lane = text.PadRight(LaneWidth) };
                        rows.Add(last);
                    }
                    break;
            }
        }
        return rows;
    }

    private (string Lane, string? Above) DrawArrow(LadderSegment seg)
    {
        int lane = LaneWidth;
        // Room for the label: two line glyphs on each side, plus a head and spaces.
        int room = lane - 8;
        string? label = null;
        for (int detail = 2; detail >= 0 && label is null; detail--)
        {
            string candidate = seg.Segment.Label(detail);
            if (candidate.Length <= room)
                label = candidate;
        }
        string? above = null;
        if (label is null)
        {
            above = seg.Segment.Label(0);
            label = "";
        }
        else if (!string.IsNullOrEmpty(seg.Segment.Options) && !label.EndsWith(seg.Segment.Options, StringComparison.Ordinal)
            && seg.Segment.Options.Length <= lane)
        {
            // The options a SYN negotiates are the point of the handshake: when they do not fit on the arrow they
            // go on a line of their own just above it rather than vanish.
            above = new string(' ', Math.Max(0, (lane - seg.Segment.Options.Length) / 2)) + seg.Segment.Options;
        }
        if (seg.Dropped)
            label = label.Length == 0 ? "" : label;

        var chars = new char[lane];
        Array.Fill(chars, Glyphs.Line);
        int body = lane - 1;
        string inner = label.Length == 0 ? "" : " " + label + " ";
        int start = Math.Max(2, (body - inner.Length) / 2);
        if (seg.From == LadderSide.Left)
        {
            chars[lane - 1] = Glyphs.RightHead;
            inner.CopyTo(0, chars, start, inner.Length);
        }
        else
        {
            chars[0] = Glyphs.LeftHead;
            inner.CopyTo(0, chars, start + 1, inner.Length);
        }
        if (seg.Dropped)
        {
            // The segment dies on the way: the line stops at a cross two thirds across, nothing reaches the receiver.
            int cross = seg.From == LadderSide.Left ? Math.Max(start + inner.Length, lane * 2 / 3) : Math.Min(start, lane / 3);
            if (seg.From == LadderSide.Left)
            {
                chars[Math.Min(cross, lane - 1)] = Glyphs.Drop;
                for (int i = Math.Min(cross, lane - 1) + 1; i < lane; i++)
                    chars[i] = ' ';
            }
            else
            {
                chars[Math.Max(cross, 0)] = Glyphs.Drop;
                for (int i = 0; i < Math.Max(cross, 0); i++)
                    chars[i] = ' ';
            }
        }
        return (new string(chars), above);
    }

    private static string FormatMs(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Fit(string s, int width) => s.Length <= width ? s : s[..width];

    private sealed class Row(SynAck.Time.Instant at, bool ShowTime)
    {
        public SynAck.Time.Instant At { get; } = at;

        public bool ShowTime { get; } = ShowTime;

        public string? LeftState { get; private set; }

        public string? RightState { get; private set; }

        public string? Lane { get; set; }

        public string? LabelAbove { get; set; }

        public string? StateOf(LadderSide side) => side == LadderSide.Left ? LeftState : RightState;

        public void SetState(LadderSide side, string state)
        {
            if (side == LadderSide.Left)
                LeftState = state;
            else
                RightState = state;
        }
    }
}
