using SynAck.Wire;

namespace SynAck.Drill.Run;

/// <summary>Segments written in the script's notation, for failure messages.</summary>
internal static class SegmentText
{
    /// <summary>A sent segment in the script's notation (script-relative numbers).</summary>
    public static string Describe(SeenSegment s, ScriptConnection c)
    {
        var f = new System.Text.StringBuilder();
        if ((s.Flags & TcpFlags.Syn) != 0) f.Append('S');
        if ((s.Flags & TcpFlags.Fin) != 0) f.Append('F');
        if ((s.Flags & TcpFlags.Rst) != 0) f.Append('R');
        if ((s.Flags & TcpFlags.Psh) != 0) f.Append('P');
        if ((s.Flags & TcpFlags.Urg) != 0) f.Append('U');
        if ((s.Flags & TcpFlags.Ece) != 0) f.Append('E');
        if ((s.Flags & TcpFlags.Cwr) != 0) f.Append('W');
        if ((s.Flags & TcpFlags.Ack) != 0) f.Append('.');
        if (f.Length == 0) f.Append('-');
        uint seq = c.ScriptLocal(s.Seq);
        string text = $"{f} {seq}:{unchecked(seq + (uint)s.PayloadLength)}({s.PayloadLength})";
        if ((s.Flags & TcpFlags.Ack) != 0)
            text += $" ack {c.ScriptRemote(s.Ack, (s.Flags & TcpFlags.Syn) != 0)}";
        text += $" win {s.Window}";
        if (s.Options.Count > 0)
            text += " <" + string.Join(',', s.Options.Select(o => o.Describe(v => c.ScriptRemote(v)))) + ">";
        return text;
    }
}
