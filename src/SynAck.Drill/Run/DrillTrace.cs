namespace SynAck.Drill.Run;

/// <summary>The packets of one run in time order, each marked with the script line it matched (for <c>--ladder</c>).</summary>
internal sealed class DrillTrace
{
    private readonly List<(CapturedPacket Packet, bool Sent)> _packets = [];
    private readonly Dictionary<CapturedPacket, int> _lines = new(ReferenceEqualityComparer.Instance);

    public void Add(CapturedPacket packet, bool sent)
    {
        lock (_packets)
            _packets.Add((packet, sent));
    }

    public void Mark(CapturedPacket packet, int line)
    {
        lock (_packets)
            _lines[packet] = line;
    }

    public IReadOnlyList<DrillPacket> ToList()
    {
        lock (_packets)
        {
            return _packets.OrderBy(p => p.Packet.TimeNs)
                .Select(p => new DrillPacket(p.Packet.TimeNs / 1e9, p.Packet.Bytes, p.Sent, _lines.TryGetValue(p.Packet, out int l) ? l : 0))
                .ToList();
        }
    }
}
