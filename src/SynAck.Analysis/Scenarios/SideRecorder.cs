using System.Globalization;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Analysis.Scenarios;

/// <summary>Keeps what one side's stack reported: its transitions, its errors, its retransmissions and drops, and the event list.</summary>
internal sealed class SideRecorder(ScenarioContext context, string side) : ITcpObserver
{
    public List<(Instant At, ConnectionId Connection, TcpTransition Transition)> Transitions { get; } = [];

    public List<(Instant At, ConnectionId Connection, TcpError Error)> Errors { get; } = [];

    public List<(Instant At, TcpDropReason Reason)> Drops { get; } = [];

    public List<(Instant At, TcpSegmentSummary Segment)> Retransmissions { get; } = [];

    public List<(Instant At, TcpSegmentSummary Segment)> Sent { get; } = [];

    public List<(Instant At, TcpTimerKind Timer)> Timers { get; } = [];

    public void OnEvent(in TcpEvent e)
    {
        string detail;
        switch (e.Kind)
        {
            case TcpEventKind.StateChanged:
                Transitions.Add((e.Time, e.Connection, new TcpTransition(e.From, e.To, e.Cause)));
                detail = $"{TcpStateTable.RfcName(e.From)} -> {TcpStateTable.RfcName(e.To)} on {e.Cause}";
                break;
            case TcpEventKind.ConnectionError:
                Errors.Add((e.Time, e.Connection, e.Error));
                detail = e.Error.ToString();
                break;
            case TcpEventKind.SegmentDropped:
                Drops.Add((e.Time, e.DropReason));
                detail = e.DropReason + (e.HasSegment ? ": " + ScenarioContext.Describe(e.Segment) : "");
                break;
            case TcpEventKind.Retransmitted:
                Retransmissions.Add((e.Time, e.Segment));
                detail = ScenarioContext.Describe(e.Segment);
                break;
            case TcpEventKind.SegmentSent:
                Sent.Add((e.Time, e.Segment));
                detail = ScenarioContext.Describe(e.Segment);
                break;
            case TcpEventKind.SegmentReceived:
                detail = ScenarioContext.Describe(e.Segment);
                break;
            case TcpEventKind.TimerFired:
                Timers.Add((e.Time, e.Timer));
                detail = e.Timer.ToString();
                break;
            default:
                detail = "";
                break;
        }
        context.Log(e.Time, side, e.Kind.ToString(), string.Create(CultureInfo.InvariantCulture, $"{e.Connection.LocalPort}->{e.Connection.RemotePort} {detail}"));
    }
}
