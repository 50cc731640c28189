using System.Globalization;
using System.Text;
using SynAck.Wire;

namespace SynAck.Analysis.Ladder;

/// <summary>
/// What a ladder row says about one TCP segment: flags, sequence and acknowledgment numbers (as the
/// diagram chooses to show them, absolute or relative), window, payload length and the options worth a reader's eye.
/// </summary>
public readonly record struct SegmentSummary(TcpFlags Flags, uint Sequence, uint Acknowledgment, int Window, int Length, string? Options = null)
{
    /// <summary>Flags as Wireshark writes them, most significant first: "SYN,ACK", "FIN,ACK", "PSH,ACK", "RST".</summary>
    public string FlagText
    {
        get
        {
            var sb = new StringBuilder();
            var flags = Flags;
            void Add(TcpFlags f, string name)
            {
                if ((flags & f) == 0)
                    return;
                if (sb.Length > 0)
                    sb.Append(',');
                sb.Append(name);
            }

            Add(TcpFlags.Cwr, "CWR");
            Add(TcpFlags.Ece, "ECE");
            Add(TcpFlags.Urg, "URG");
            Add(TcpFlags.Syn, "SYN");
            Add(TcpFlags.Fin, "FIN");
            Add(TcpFlags.Rst, "RST");
            Add(TcpFlags.Psh, "PSH");
            Add(TcpFlags.Ack, "ACK");
            return sb.Length == 0 ? "none" : sb.ToString();
        }
    }

    /// <summary>The label drawn on the arrow, shortest first when space is tight (<paramref name="detail"/> 0..2).</summary>
    public string Label(int detail = 2)
    {
        var sb = new StringBuilder(FlagText);
        sb.Append(CultureInfo.InvariantCulture, $" seq={Sequence}");
        if ((Flags & TcpFlags.Ack) != 0)
            sb.Append(CultureInfo.InvariantCulture, $" ack={Acknowledgment}");
        if (Length > 0)
            sb.Append(CultureInfo.InvariantCulture, $" len={Length}");
        if (detail >= 1)
            sb.Append(CultureInfo.InvariantCulture, $" win={Window}");
        if (detail >= 2 && !string.IsNullOrEmpty(Options))
            sb.Append(' ').Append(Options);
        return sb.ToString();
    }
}
