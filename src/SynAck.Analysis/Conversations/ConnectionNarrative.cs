using System.Globalization;
using System.Text;
using SynAck.Time;

namespace SynAck.Analysis.Conversations;

/// <summary>Says in a few words how a connection ended, in the terms a reader of the capture asks about.</summary>
internal static class ConnectionNarrative
{
    public static string Describe(TcpConnection c)
    {
        var sb = new StringBuilder();
        switch (c.EndKind)
        {
            case ConnectionEndKind.Fin:
                sb.Append("FIN close by ").Append(Role(c.ActiveCloser));
                if (!c.FinalAckSeen)
                    sb.Append(", final ACK not seen");
                break;
            case ConnectionEndKind.Rst:
            case ConnectionEndKind.FinThenRst:
                if (c.EndKind == ConnectionEndKind.FinThenRst)
                    sb.Append("FIN by ").Append(Role(c.ActiveCloser)).Append(", then ");
                if (c.ResetPhase == Conversations.ResetPhase.Handshake && c.ResetBy == ConnectionSide.Responder && c.ConnState == "REJ")
                {
                    sb.Append("refused (RST answering the SYN)");
                    break;
                }
                sb.Append("RST by ").Append(Role(c.ResetBy));
                if (c.ResetAfterIdle is { } idle)
                    sb.Append(" after ").Append(Format(idle)).Append(" idle");
                sb.Append(c.ResetPhase switch
                {
                    Conversations.ResetPhase.Handshake => ", during the handshake",
                    Conversations.ResetPhase.AfterHandshake => ", right after the handshake",
                    Conversations.ResetPhase.MidStream => ", mid-stream",
                    Conversations.ResetPhase.AfterFin => ", after FIN",
                    _ => "",
                });
                if (c.ResetInWindow == false)
                    sb.Append(", seq outside the window");
                break;
            case ConnectionEndKind.TimedOut:
                sb.Append(c.ConnState == "S0" ? "SYN never answered" : "idle, timed out");
                break;
            default:
                sb.Append(c.ConnState == "S0" ? "SYN not answered yet" : "still open");
                break;
        }
        return sb.ToString();
    }

    public static string Role(ConnectionSide? side) => side switch
    {
        ConnectionSide.Originator => "originator",
        ConnectionSide.Responder => "responder",
        _ => "?",
    };

    /// <summary>"850 µs", "12.3 ms", "3.01 s".</summary>
    public static string Format(Duration d)
    {
        double ms = d.TotalMilliseconds;
        if (Math.Abs(ms) < 1)
            return string.Create(CultureInfo.InvariantCulture, $"{d.Nanoseconds / 1000.0:0} µs");
        if (Math.Abs(ms) < 1000)
            return string.Create(CultureInfo.InvariantCulture, $"{ms:0.#} ms");
        return string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.##} s");
    }
}
