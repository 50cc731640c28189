using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Analysis.Scenarios.Scripts;

/// <summary>
/// Reads the closing exchange off the segments both sides sent: when each FIN left, whether the peer's ACK of a
/// FIN travelled alone or with the peer's own FIN, and what data went out between the two FINs.
/// </summary>
internal sealed class CloseAnalysis
{
    public CloseAnalysis(SideRecorder closer, SideRecorder other)
    {
        FirstFin = closer.Sent.FirstOrDefault(s => (s.Segment.Flags & TcpFlags.Fin) != 0);
        SecondFin = other.Sent.FirstOrDefault(s => (s.Segment.Flags & TcpFlags.Fin) != 0);
        if (HasFirstFin)
        {
            var finEnd = FirstFin.Segment.Seq + FirstFin.Segment.SegmentLength;
            var ack = other.Sent.FirstOrDefault(s => (s.Segment.Flags & TcpFlags.Ack) != 0 && s.Segment.Ack == finEnd);
            if (ack.Segment.Flags != TcpFlags.None)
            {
                AckOfFirstFin = ack;
                FinRodeOnAck = (ack.Segment.Flags & TcpFlags.Fin) != 0;
            }
        }
        if (HasFirstFin && HasSecondFin)
        {
            DataBetweenFins = other.Sent
                .Where(s => s.At >= FirstFin.At && s.At <= SecondFin.At && (s.Segment.Flags & TcpFlags.Fin) == 0)
                .Sum(s => (long)s.Segment.PayloadLength);
            DataOnSecondFin = SecondFin.Segment.PayloadLength;
        }
    }

    public (Instant At, TcpSegmentSummary Segment) FirstFin { get; }

    public (Instant At, TcpSegmentSummary Segment) SecondFin { get; }

    public (Instant At, TcpSegmentSummary Segment) AckOfFirstFin { get; }

    public bool HasFirstFin => FirstFin.Segment.Flags != TcpFlags.None;

    public bool HasSecondFin => SecondFin.Segment.Flags != TcpFlags.None;

    /// <summary>The peer's FIN went out in the very segment that acknowledged the first FIN (a three-segment close).</summary>
    public bool FinRodeOnAck { get; }

    /// <summary>Payload the peer sent after the first FIN was sent and before its own FIN.</summary>
    public long DataBetweenFins { get; }

    /// <summary>Payload carried by the peer's FIN segment itself.</summary>
    public int DataOnSecondFin { get; }
}
