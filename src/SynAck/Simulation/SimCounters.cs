namespace SynAck.Simulation;

/// <summary>Totals over a run of a <see cref="Network"/>, by event kind and by drop reason.</summary>
public sealed class SimCounters
{
    private readonly long[] _byKind = new long[Enum.GetValues<SimEventKind>().Length];
    private readonly long[] _dropsByReason = new long[Enum.GetValues<SimReason>().Length];

    /// <summary>Events of <paramref name="kind"/> so far.</summary>
    public long Of(SimEventKind kind) => _byKind[(int)kind];

    /// <summary>Drops for <paramref name="reason"/> so far.</summary>
    public long Dropped(SimReason reason) => _dropsByReason[(int)reason];

    public long Sent => Of(SimEventKind.Sent);

    public long Delivered => Of(SimEventKind.Delivered);

    public long DroppedTotal => Of(SimEventKind.Dropped);

    internal void Count(in SimEvent e)
    {
        _byKind[(int)e.Kind]++;
        if (e.Kind == SimEventKind.Dropped)
            _dropsByReason[(int)e.Reason]++;
    }

    public override string ToString()
        => $"sent={Sent} delivered={Delivered} dropped={DroppedTotal} (loss={Dropped(SimReason.Loss)} rule={Dropped(SimReason.Rule)} mtu={Dropped(SimReason.Mtu)} crash={Dropped(SimReason.Crash)} noroute={Dropped(SimReason.NoRoute)} queue={Dropped(SimReason.QueueFull)}) dup={Of(SimEventKind.Duplicated)} corrupt={Of(SimEventKind.Corrupted)} delayed={Of(SimEventKind.Delayed)}";
}
