using SynAck.Analysis.Conversations;
using SynAck.Analysis.Ladder;
using SynAck.Wire;

namespace SynAck.Analysis.Reports;

/// <summary>
/// Builds the ladder diagram of one captured connection: the originator on the left, each kept segment at the
/// moment the capture saw it (one vantage point, so arrival times are unknown), and the states each side must
/// have entered as RFC 9293's diagram implies from what it sent.
/// </summary>
public static class ConnectionLadder
{
    public static LadderDiagram Build(TcpConnection c)
    {
        var d = new LadderDiagram(
            $"tcp.stream {c.Stream}: {c.ConnState} {c.History}".TrimEnd(),
            c.Originator.ToString(), c.Responder.ToString()) { Origin = c.Start };
        bool origFin = false, respFin = false;
        foreach (var s in c.Segments)
        {
            var side = s.From == ConnectionSide.Originator ? LadderSide.Left : LadderSide.Right;
            var f = s.Summary.Flags;
            d.Add(new LadderSegment(s.At, side, s.Summary, null));
            // The sender's state after sending this segment, where the segment alone says it.
            string? state = null;
            if ((f & TcpFlags.Rst) != 0)
                state = "CLOSED";
            else if ((f & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn)
                state = "SYN-SENT";
            else if ((f & TcpFlags.Syn) != 0)
                state = "SYN-RECEIVED";
            else if ((f & TcpFlags.Fin) != 0)
            {
                bool peerFinished = side == LadderSide.Left ? respFin : origFin;
                state = peerFinished ? "LAST-ACK" : "FIN-WAIT-1";
                if (side == LadderSide.Left)
                    origFin = true;
                else
                    respFin = true;
            }
            if (state is not null)
                d.Add(new LadderStateChange(s.At, side, state));
        }
        if (c.FinalAckSeen && c.ActiveCloser is { } closer && c.Segments.Count > 0)
        {
            var last = c.Segments[^1];
            d.Add(new LadderStateChange(last.At, closer == ConnectionSide.Originator ? LadderSide.Left : LadderSide.Right, "TIME-WAIT"));
        }
        if (c.Segments.Count < c.OriginatorPackets + c.ResponderPackets && c.Segments.Count > 0)
            d.Add(new LadderNote(c.Segments[^1].At, $"{c.OriginatorPackets + c.ResponderPackets - c.Segments.Count} more segments not drawn"));
        return d;
    }
}
