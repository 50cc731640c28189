namespace SynAck.Tcp;

/// <summary>Quick ACKs at the start of a connection (<see cref="TcpSettings.QuickAckSegments"/>).</summary>
internal sealed partial class TcpConnection
{
    // Data segments taken in order so far, counted only up to the quick-ACK allowance.
    private int _quickAcksUsed;

    /// <summary>Whether this in-order data segment is one of the first that are acknowledged at once (RFC 9293
    /// §3.8.6.3 allows it; Linux does it for the first segments of a connection).</summary>
    private bool TakeQuickAck()
    {
        if (_quickAcksUsed >= _settings.QuickAckSegments)
            return false;
        _quickAcksUsed++;
        return true;
    }
}
