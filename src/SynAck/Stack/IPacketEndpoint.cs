using SynAck.Time;

namespace SynAck.Stack;

/// <summary>
/// Anything that takes IP packets in and emits IP packets when polled, driven by time handed in
/// from outside (sans-IO). <c>NetStack</c> is one; the simulator and the host loop drive any of them.
/// </summary>
public interface IPacketEndpoint
{
    /// <summary>Hands one received IP packet to the endpoint. Never throws for bad input.</summary>
    void Deliver(ReadOnlySpan<byte> ipPacket, Instant now);

    /// <summary>Runs timers due at <paramref name="now"/> and emits every packet that is ready.</summary>
    void Poll(Instant now, IPacketSink sink);

    /// <summary>When <see cref="Poll"/> must next be called, or <see cref="Instant.MaxValue"/> for never.</summary>
    Instant NextDeadline { get; }
}
