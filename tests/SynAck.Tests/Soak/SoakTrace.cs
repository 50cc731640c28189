using System.Globalization;
using System.Text;
using SynAck.Simulation;
using SynAck.Tcp;
using SynAck.Wire;

namespace SynAck.Tests.Soak;

/// <summary>
/// Replay aid: writes down every wire packet and every stack event of one soak connection (chosen by
/// SYNACK_SOAK_TRACE=index), so a failure found by the soak can be read segment by segment.
/// </summary>
internal sealed class SoakTrace : ISimObserver, ITcpObserver
{
    private readonly StringBuilder _text = new();

    /// <summary>The client side's 4-tuple once the connection is opened.</summary>
    public ConnectionId? Client { get; set; }

    public string Text => _text.ToString();

    public void OnEvent(in SimEvent e, ReadOnlySpan<byte> packet)
    {
        if (Client is not { } id || packet.IsEmpty)
            return;
        if (IpPacket.TryParse(packet, out var ip) != WireStatus.Ok || ip.TryGetTcp(out var tcp, verifyChecksum: false) != WireStatus.Ok)
            return;
        bool up = ip.Source == id.LocalAddress && tcp.SourcePort == id.LocalPort && ip.Destination == id.RemoteAddress && tcp.DestinationPort == id.RemotePort;
        bool down = ip.Destination == id.LocalAddress && tcp.DestinationPort == id.LocalPort && ip.Source == id.RemoteAddress && tcp.SourcePort == id.RemotePort;
        if (!up && !down)
            return;
        _text.AppendLine(CultureInfo.InvariantCulture,
            $"{e.Time} net {e.Kind,-10} #{e.PacketId} {(up ? "c->s" : "s->c")} {tcp.Flags} seq={tcp.Seq} ack={tcp.Ack} win={tcp.Window} len={tcp.Payload.Length}{(e.Reason != SimReason.None ? " " + e.Reason : "")}");
    }

    public void OnEvent(in TcpEvent e)
    {
        if (Client is not { } id)
            return;
        bool client = e.Connection == id;
        bool server = e.Connection == new ConnectionId(id.RemoteAddress, id.RemotePort, id.LocalAddress, id.LocalPort);
        if (!client && !server)
            return;
        string who = client ? "client" : "server";
        string what = e.Kind switch
        {
            TcpEventKind.StateChanged => $"{e.From} -> {e.To} ({e.Cause})",
            TcpEventKind.SegmentDropped => $"dropped {e.DropReason} {e.Segment.Flags} seq={e.Segment.Seq} ack={e.Segment.Ack} len={e.Segment.PayloadLength}",
            TcpEventKind.TimerFired => $"timer {e.Timer}",
            TcpEventKind.ConnectionError => $"error {e.Error}",
            TcpEventKind.Retransmitted => $"retransmit {e.Segment.Flags} seq={e.Segment.Seq} len={e.Segment.PayloadLength}",
            _ => null!,
        };
        if (what is not null)
            _text.AppendLine(CultureInfo.InvariantCulture, $"{e.Time} {who} {what}");
    }
}
