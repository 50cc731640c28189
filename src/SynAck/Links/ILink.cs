namespace SynAck.Links;

/// <summary>
/// A packet link that carries whole IP packets (no link-layer header) between SynAck and
/// something else: a TUN device and the kernel behind it, another in-process stack, or a
/// middleware (fault injection, capture) wrapped around another link. A link only moves
/// bytes; it knows nothing of TCP.
/// </summary>
/// <remarks>
/// <para>One owner: <see cref="TryReceive(Span{byte}, out int)"/>, <see cref="TrySend"/> and <see cref="Wait"/> are
/// called from one thread (the host loop). <see cref="Wake"/> may be called from any thread.</para>
/// <para>A host loop sleeps with <see cref="Wait"/> until a packet is readable, its next
/// deadline passes (the timeout), or a user call arrives (the caller's <see cref="Wake"/>);
/// after any return it drains <see cref="TryReceive(Span{byte}, out int)"/> until it returns false.</para>
/// </remarks>
public interface ILink : IDisposable
{
    /// <summary>A short name for logs and captures (the TUN device name, for example).</summary>
    string Name { get; }

    /// <summary>The largest IP packet, in bytes, the link carries.</summary>
    int Mtu { get; }

    /// <summary>Counts of packets and bytes that crossed this link.</summary>
    LinkCounters Counters { get; }

    /// <summary>
    /// Takes the next received packet, if one is waiting; never blocks.
    /// </summary>
    /// <param name="buffer">Receives the packet; must hold at least <see cref="Mtu"/> bytes.</param>
    /// <param name="length">The packet's length when the method returns true; 0 otherwise.</param>
    /// <returns>True when a packet was copied into <paramref name="buffer"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> is shorter than <see cref="Mtu"/>.</exception>
    bool TryReceive(Span<byte> buffer, out int length);

    /// <summary>
    /// Hands one IP packet to the link; never blocks.
    /// </summary>
    /// <param name="packet">A whole IP packet, at most <see cref="Mtu"/> bytes.</param>
    /// <returns>True when the link took the packet (it may still be lost further on); false when
    /// it could not (queue full, packet longer than <see cref="Mtu"/>, device down), in which
    /// case the packet is dropped as a full network interface would drop it.</returns>
    bool TrySend(ReadOnlySpan<byte> packet);

    /// <summary>
    /// The buffer size <see cref="TryReceive(Span{byte}, out int, out bool)"/> needs to hand over a packet whole:
    /// <see cref="Mtu"/>, or more for a link with segmentation offload, which may receive super-packets of up to
    /// 64 KiB that the peer never cut into MTU-sized segments (a TUN device with <c>IFF_VNET_HDR</c>).
    /// </summary>
    int ReceiveSize => Mtu;

    /// <summary>
    /// Takes the next received packet like <see cref="TryReceive(Span{byte}, out int)"/>, and says whether its
    /// transport checksum is vouched for by the link, so need not be verified (for a super-packet from the local
    /// kernel it is not even filled in). With a buffer of <see cref="ReceiveSize"/> bytes a super-packet arrives whole.
    /// </summary>
    /// <param name="buffer">Receives the packet; must hold at least <see cref="Mtu"/> bytes.</param>
    /// <param name="length">The packet's length when the method returns true; 0 otherwise.</param>
    /// <param name="checksumVerified">True when the transport checksum need not be checked.</param>
    /// <returns>True when a packet was copied into <paramref name="buffer"/>.</returns>
    bool TryReceive(Span<byte> buffer, out int length, out bool checksumVerified)
    {
        checksumVerified = false;
        return TryReceive(buffer, out length);
    }

    /// <summary>
    /// Sends whatever the link held back from earlier <see cref="TrySend"/> calls to join into one
    /// segmentation-offload super-packet. A host calls it after each batch it hands over (a stack's poll); a link
    /// without offload holds nothing back. <see cref="Wait"/> sends them too.
    /// </summary>
    void EndBatch()
    {
    }

    /// <summary>
    /// Blocks until a packet may be readable, <see cref="Wake"/> is called, or
    /// <paramref name="timeout"/> passes.
    /// </summary>
    /// <param name="timeout">How long to sleep at most; <see cref="Timeout.InfiniteTimeSpan"/> for no limit,
    /// <see cref="TimeSpan.Zero"/> to only look.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Why the wait ended. <see cref="LinkWaitResult.Readable"/> may be spurious:
    /// <see cref="TryReceive(Span{byte}, out int)"/> can still return false (a middleware dropped the packet).</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    LinkWaitResult Wait(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends the current or the next <see cref="Wait"/> with <see cref="LinkWaitResult.Woken"/>.
    /// Safe from any thread, and a no-op after <see cref="IDisposable.Dispose"/>. Several calls
    /// before one wait wake it once.
    /// </summary>
    void Wake();
}
