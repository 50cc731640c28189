namespace SynAck.Simulation;

/// <summary>
/// Records every event (and, if asked, a copy of every packet) for tests and for replay output.
/// </summary>
public sealed class SimEventLog : ISimObserver
{
    private readonly List<SimEvent> _events = [];
    private readonly List<byte[]>? _packets;

    /// <summary>Creates a log; with <paramref name="keepPackets"/> it also copies each event's packet bytes.</summary>
    public SimEventLog(bool keepPackets = false)
    {
        if (keepPackets)
            _packets = [];
    }

    /// <summary>The events in the order they happened.</summary>
    public IReadOnlyList<SimEvent> Events => _events;

    /// <summary>The packet bytes of event <paramref name="index"/> (empty for host events); needs keepPackets.</summary>
    public ReadOnlyMemory<byte> PacketOf(int index)
        => _packets is null ? throw new InvalidOperationException("this log was created without keepPackets") : _packets[index];

    /// <summary>How many events of <paramref name="kind"/> were recorded.</summary>
    public int Count(SimEventKind kind)
    {
        int n = 0;
        foreach (var e in _events)
        {
            if (e.Kind == kind)
                n++;
        }
        return n;
    }

    /// <summary>How many packets were dropped for <paramref name="reason"/>.</summary>
    public int CountDropped(SimReason reason)
    {
        int n = 0;
        foreach (var e in _events)
        {
            if (e.Kind == SimEventKind.Dropped && e.Reason == reason)
                n++;
        }
        return n;
    }

    public void OnEvent(in SimEvent e, ReadOnlySpan<byte> packet)
    {
        _events.Add(e);
        _packets?.Add(packet.ToArray());
    }

    /// <summary>One line per event.</summary>
    public override string ToString() => string.Join('\n', _events);
}
