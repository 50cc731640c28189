using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>A connection's 4-tuple, seen from this host: the key of the connection and TIME-WAIT tables.</summary>
public readonly record struct ConnectionId(IpAddress LocalAddress, ushort LocalPort, IpAddress RemoteAddress, ushort RemotePort)
{
    /// <inheritdoc/>
    public override string ToString() => $"{LocalAddress}:{LocalPort} ↔ {RemoteAddress}:{RemotePort}";
}
