using SynAck.Capture;

namespace SynAck.Simulation;

/// <summary>
/// Writes the simulated traffic to a pcapng file with virtual timestamps (raw IP link type, so
/// Wireshark decodes IPv4 and IPv6 alike). Either as seen on the wire — every packet once, at
/// the moment a host sends it, lost ones included — or as captured on one host: what it sends
/// (outbound) and what reaches it (inbound, after the link's losses and damage).
/// </summary>
public sealed class PcapNgTap : ISimObserver, IDisposable
{
    private readonly PcapNgWriter _writer;
    private readonly string? _host;
    private readonly int _interface;

    /// <summary>Creates a tap writing to <paramref name="stream"/>.</summary>
    /// <param name="stream">Where the pcapng bytes go.</param>
    /// <param name="host">Capture on this host only; null captures every packet on the wire.</param>
    /// <param name="leaveOpen">Keep the stream open after <see cref="Dispose"/>.</param>
    public PcapNgTap(Stream stream, string? host = null, bool leaveOpen = false)
    {
        _writer = new PcapNgWriter(stream, leaveOpen, "SynAck simulator");
        _host = host;
        _interface = _writer.AddInterface(LinkType.Raw, host ?? "sim");
    }

    /// <summary>Packets written so far.</summary>
    public long PacketsWritten { get; private set; }

    public void OnEvent(in SimEvent e, ReadOnlySpan<byte> packet)
    {
        var direction = PacketDirection.Unknown;
        switch (e.Kind)
        {
            case SimEventKind.Sent or SimEventKind.Injected:
                if (_host is not null)
                {
                    if (e.From != _host)
                        return;
                    direction = PacketDirection.Outbound;
                }
                break;
            case SimEventKind.Delivered:
                if (_host is null)
                {
                    // On the wire a packet is seen when sent; only script deliveries skip that.
                    if (e.From is not null)
                        return;
                }
                else
                {
                    if (e.To != _host)
                        return;
                    direction = PacketDirection.Inbound;
                }
                break;
            default:
                return;
        }
        _writer.WritePacket(_interface, e.Time.Nanoseconds, packet, direction);
        PacketsWritten++;
    }

    /// <summary>Pushes buffered bytes to the stream.</summary>
    public void Flush() => _writer.Flush();

    public void Dispose() => _writer.Dispose();
}
