using System.Text;
using SynAck.Analysis.Ladder;
using SynAck.Drill.Run;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Cli.Commands;

/// <summary>
/// Draws a drill run with the demo's ladder renderer: the script on the left, the stack under test on the right,
/// each packet the script wrote labelled with its line ("L13"), a packet the stack sent unasked left unlabelled, and
/// the first mismatch as a note. <see cref="SideBySide"/> puts SynAck's and the kernel's ladders next to each other
/// and marks where they first part.
/// </summary>
internal static class DrillLadder
{
    private const int Width = 80;

    public static LadderDiagram Build(DrillResult r, string stack, int? differenceLine = null)
    {
        var d = new LadderDiagram($"{r.Script} on {stack}: {Verdict(r)}", "script", stack) { Origin = Instant.Zero };
        var decoded = r.Packets.Select(p => (Packet: p, Segment: SeenSegment.Decode(new CapturedPacket(0, p.Bytes), out _))).Where(x => x.Segment is not null).ToList();
        // Numbers relative to each side's first SYN, as the demo shows them.
        uint? scriptIsn = decoded.FirstOrDefault(x => !x.Packet.Sent && (x.Segment!.Flags & TcpFlags.Syn) != 0).Segment?.Seq;
        uint? stackIsn = decoded.FirstOrDefault(x => x.Packet.Sent && (x.Segment!.Flags & TcpFlags.Syn) != 0).Segment?.Seq;
        foreach (var (p, seg) in decoded)
        {
            var s = seg!;
            uint seqBase = (p.Sent ? stackIsn : scriptIsn) ?? 0, ackBase = (p.Sent ? scriptIsn : stackIsn) ?? 0;
            var at = new Instant((long)Math.Round(p.TimeSeconds * 1e9));
            string? mark = p.Line > 0 ? $"L{p.Line}" + (p.Line == differenceLine ? " ◆" : "") : null;
            var summary = new SegmentSummary(s.Flags, unchecked(s.Seq - seqBase), unchecked(s.Ack - ackBase), s.Window, s.PayloadLength, mark);
            d.Add(new LadderSegment(at, p.Sent ? LadderSide.Right : LadderSide.Left, summary, at));
        }
        if (r.Verdict != DrillVerdict.Pass && r.Line > 0)
        {
            var at = new Instant((long)Math.Round((r.TimeSeconds ?? r.Packets.LastOrDefault()?.TimeSeconds ?? 0) * 1e9));
            d.Add(new LadderNote(at, $"line {r.Line}: {r.Message}"));
        }
        if (differenceLine is { } diff)
            d.Add(new LadderNote(d.Entries.Count > 0 ? d.Entries[^1].At : Instant.Zero, $"◆ first difference: line {diff}"));
        return d;
    }

    public static string Render(DrillResult r, string stack, bool ascii, int? differenceLine = null)
        => Glyphs(new TextLadderRenderer(ascii ? LadderGlyphs.Ascii : LadderGlyphs.Unicode, Width).Render(Build(r, stack, differenceLine)), ascii);

    /// <summary>The two ladders in two columns, the first line where the runs differ marked (◆) on both.</summary>
    public static string SideBySide(DrillResult synack, DrillResult kernel, bool ascii)
    {
        int? diff = FirstDifference(synack, kernel);
        var left = Render(synack, "SynAck", ascii, diff).Split('\n');
        var right = Render(kernel, "Linux", ascii, diff).Split('\n');
        var sb = new StringBuilder();
        for (int i = 0; i < Math.Max(left.Length, right.Length); i++)
        {
            string l = i < left.Length ? left[i] : "", rr = i < right.Length ? right[i] : "";
            sb.Append(l.PadRight(Width)).Append(ascii ? " | " : " │ ").Append(rr).Append('\n');
        }
        sb.Append(diff is { } d ? $"first difference: line {d}\n" : "no difference: both runs took every line alike\n");
        return sb.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>The first script line the runs treat differently: the earlier failing line when they fail apart, or the
    /// first line whose packets differ in flags, length or count; null when they agree throughout.</summary>
    public static int? FirstDifference(DrillResult a, DrillResult b)
    {
        int Stop(DrillResult r) => r.Verdict == DrillVerdict.Pass ? int.MaxValue : r.Line > 0 ? r.Line : int.MaxValue;
        int stop = Math.Min(Stop(a), Stop(b));
        var ka = Shapes(a);
        var kb = Shapes(b);
        foreach (int line in ka.Keys.Union(kb.Keys).Where(l => l < stop).Order())
        {
            if (!ka.TryGetValue(line, out var x) || !kb.TryGetValue(line, out var y) || x != y)
                return line;
        }
        if (a.Verdict == b.Verdict && a.Line == b.Line)
            return null;
        return stop == int.MaxValue ? null : stop;
    }

    private static Dictionary<int, string> Shapes(DrillResult r)
    {
        var d = new Dictionary<int, string>();
        foreach (var p in r.Packets.Where(p => p.Line > 0))
        {
            var s = SeenSegment.Decode(new CapturedPacket(0, p.Bytes), out _);
            string shape = s is null ? "?" : $"{(p.Sent ? '>' : '<')}{(int)s.Flags}:{s.PayloadLength}";
            d[p.Line] = d.TryGetValue(p.Line, out var prev) ? prev + "," + shape : shape;
        }
        return d;
    }

    private static string Verdict(DrillResult r) => r.Verdict switch
    {
        DrillVerdict.Pass => "pass",
        DrillVerdict.Fail => $"fail at line {r.Line}",
        DrillVerdict.Unsupported => $"unsupported at line {r.Line}",
        _ => "script error",
    };

    private static string Glyphs(string text, bool ascii) => ascii ? text.Replace('◆', '*') : text;
}
