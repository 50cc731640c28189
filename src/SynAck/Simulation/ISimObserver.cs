namespace SynAck.Simulation;

/// <summary>Receives every event of a <see cref="Network"/> in order, with the packet's bytes when there is one.</summary>
public interface ISimObserver
{
    /// <summary>
    /// Called once per event. <paramref name="packet"/> is empty for host events and is only valid
    /// during the call: an observer that keeps it must copy it.
    /// </summary>
    void OnEvent(in SimEvent e, ReadOnlySpan<byte> packet);
}
