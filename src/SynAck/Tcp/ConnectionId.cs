using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>A connection's 4-tuple, seen from this host: the key of the connection and TIME-WAIT tables.</summary>
public readonly record struct ConnectionId(IpAddress LocalAddress, ushort LocalPort, IpAddress RemoteAddress, ushort RemotePort)
{
    /// <summary>The longest <see cref="WriteTo"/> output: two IPv6 addresses and two ports.</summary>
    internal const int MaxEncodedLength = 36;

    /// <summary>
    /// Writes the 4-tuple as hash input (local address, remote address, local port, remote port; ports big-endian)
    /// and returns the bytes written. The ISN function, the TSval offset and SYN cookies all key on these bytes.
    /// </summary>
    internal int WriteTo(Span<byte> destination)
    {
        int n = LocalAddress.WriteTo(destination);
        n += RemoteAddress.WriteTo(destination[n..]);
        destination[n++] = (byte)(LocalPort >> 8);
        destination[n++] = (byte)LocalPort;
        destination[n++] = (byte)(RemotePort >> 8);
        destination[n++] = (byte)RemotePort;
        return n;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{LocalAddress}:{LocalPort} ↔ {RemoteAddress}:{RemotePort}";
}
