using System.Globalization;
using SynAck.Simulation;
using SynAck.Wire;

namespace SynAck.Analysis.Scenarios;

/// <summary>Logs the simulator's packet and host events into the run's event list, and counts segments and losses.</summary>
internal sealed class NetworkRecorder(ScenarioContext context) : ISimObserver
{
    public void OnEvent(in SimEvent e, ReadOnlySpan<byte> packet)
    {
        string detail = string.Create(CultureInfo.InvariantCulture, $"#{e.PacketId} {e.From ?? "?"} -> {e.To ?? "?"}");
        if (packet.Length > 0 && IpPacket.TryParse(packet, out var ip) == WireStatus.Ok && ip.TryGetTcp(out var tcp, verifyChecksum: false) == WireStatus.Ok)
            detail += string.Create(CultureInfo.InvariantCulture, $" {tcp.SourcePort}->{tcp.DestinationPort} {new Ladder.SegmentSummary(tcp.Flags, tcp.Seq.Value, tcp.Ack.Value, tcp.Window, tcp.Payload.Length).FlagText} seq={tcp.Seq.Value} ack={tcp.Ack.Value} len={tcp.Payload.Length}");
        if (e.Reason != SimReason.None)
            detail += " reason=" + e.Reason;
        if (e.Delay != default)
            detail += " delay=" + e.Delay;
        context.Log(e.Time, "network", e.Kind.ToString(), detail);
    }
}
