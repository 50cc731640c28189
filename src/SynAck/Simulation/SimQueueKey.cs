namespace SynAck.Simulation;

/// <summary>Queue order: virtual time, then insertion order, so simultaneous events replay identically.</summary>
internal readonly record struct SimQueueKey(long Time, long Sequence) : IComparable<SimQueueKey>
{
    public int CompareTo(SimQueueKey other)
    {
        int c = Time.CompareTo(other.Time);
        return c != 0 ? c : Sequence.CompareTo(other.Sequence);
    }
}
