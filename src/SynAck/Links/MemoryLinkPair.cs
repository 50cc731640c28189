namespace SynAck.Links;

/// <summary>
/// Two in-process link ends joined back to back: a packet sent at <see cref="A"/> is received
/// at <see cref="B"/> and the other way round, in order and intact. Each end queues at most
/// <c>capacity</c> packets; a send into a full queue is refused, as a full NIC ring would.
/// For impairments wrap an end in a <see cref="FaultInjectingLink"/>.
/// </summary>
public sealed class MemoryLinkPair : IDisposable
{
    /// <summary>Creates the two ends.</summary>
    /// <param name="mtu">The largest packet either end carries.</param>
    /// <param name="capacity">Packets each end can hold before sends to it are refused.</param>
    /// <param name="nameA">Name of <see cref="A"/>.</param>
    /// <param name="nameB">Name of <see cref="B"/>.</param>
    public MemoryLinkPair(int mtu = 1500, int capacity = 256, string nameA = "mem0", string nameB = "mem1")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(mtu, 68); // RFC 791: every IPv4 module takes 68-byte datagrams
        ArgumentOutOfRangeException.ThrowIfGreaterThan(mtu, 65535);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentNullException.ThrowIfNull(nameA);
        ArgumentNullException.ThrowIfNull(nameB);
        A = new MemoryLink(nameA, mtu, capacity);
        B = new MemoryLink(nameB, mtu, capacity);
        A.Attach(B);
        B.Attach(A);
    }

    /// <summary>The first end.</summary>
    public MemoryLink A { get; }

    /// <summary>The second end.</summary>
    public MemoryLink B { get; }

    /// <summary>Disposes both ends.</summary>
    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
