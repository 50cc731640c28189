namespace SynAck.Tcp;

/// <summary>Receives every <see cref="TcpEvent"/> of a stack, synchronously, on the stack's thread.</summary>
public interface ITcpObserver
{
    /// <summary>Called for each event. The event is only valid during the call; copy what you keep.</summary>
    void OnEvent(in TcpEvent e);
}
