namespace SynAck.Links;

/// <summary>What a <see cref="FaultInjectingLink"/> did to the packets going one way.</summary>
public sealed class FaultCounters
{
    private long _packets;
    private long _lost;
    private long _duplicated;
    private long _reordered;
    private long _corrupted;
    private long _delayed;
    private long _overflowed;

    /// <summary>Packets that met the injector (before any was lost or copied).</summary>
    public long Packets => Volatile.Read(ref _packets);

    /// <summary>Packets dropped on purpose.</summary>
    public long Lost => Volatile.Read(ref _lost);

    /// <summary>Packets delivered twice.</summary>
    public long Duplicated => Volatile.Read(ref _duplicated);

    /// <summary>Packets held back so later ones overtook them.</summary>
    public long Reordered => Volatile.Read(ref _reordered);

    /// <summary>Packets with one bit flipped.</summary>
    public long Corrupted => Volatile.Read(ref _corrupted);

    /// <summary>Packets held for any time (delay, jitter or reordering).</summary>
    public long Delayed => Volatile.Read(ref _delayed);

    /// <summary>Packets dropped because too many were already held.</summary>
    public long Overflowed => Volatile.Read(ref _overflowed);

    internal void OnPacket() => Bump(ref _packets);

    internal void OnLost() => Bump(ref _lost);

    internal void OnDuplicated() => Bump(ref _duplicated);

    internal void OnReordered() => Bump(ref _reordered);

    internal void OnCorrupted() => Bump(ref _corrupted);

    internal void OnDelayed() => Bump(ref _delayed);

    internal void OnOverflowed() => Bump(ref _overflowed);

    /// <inheritdoc/>
    public override string ToString()
        => $"{Packets} packets: {Lost} lost, {Duplicated} duplicated, {Reordered} reordered, {Corrupted} corrupted, {Delayed} delayed, {Overflowed} overflowed";

    // One writer (the link's owner thread); Volatile makes the value visible to readers elsewhere.
    private static void Bump(ref long counter) => Volatile.Write(ref counter, counter + 1);
}
