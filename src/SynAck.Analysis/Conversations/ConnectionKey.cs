using SynAck.Wire;

namespace SynAck.Analysis.Conversations;

/// <summary>
/// A 4-tuple in canonical order (the lower endpoint first), so both directions find the same connection, and the
/// tunnel path it came through (<see cref="SynAck.Capture.TunnelTrail.PathHash"/>: 0 for none; the same both ways).
/// </summary>
internal readonly record struct ConnectionKey(IpAddress LowAddress, ushort LowPort, IpAddress HighAddress, ushort HighPort, ulong TunnelPath)
{
    /// <summary>The key for a segment from <paramref name="src"/> to <paramref name="dst"/>; <paramref name="fromLow"/> says which way it went.</summary>
    public static ConnectionKey For(TcpEndpoint src, TcpEndpoint dst, ulong tunnelPath, out bool fromLow)
    {
        fromLow = Compare(src, dst) <= 0;
        return fromLow
            ? new ConnectionKey(src.Address, src.Port, dst.Address, dst.Port, tunnelPath)
            : new ConnectionKey(dst.Address, dst.Port, src.Address, src.Port, tunnelPath);
    }

    private static int Compare(TcpEndpoint a, TcpEndpoint b)
    {
        if (a.Address.IsV6 != b.Address.IsV6)
            return a.Address.IsV6 ? 1 : -1;
        Span<byte> x = stackalloc byte[16];
        Span<byte> y = stackalloc byte[16];
        int n = a.Address.WriteTo(x);
        b.Address.WriteTo(y);
        int c = x[..n].SequenceCompareTo(y[..n]);
        return c != 0 ? c : a.Port.CompareTo(b.Port);
    }
}
