using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// Ephemeral port selection per RFC 6056 §3.3.4, Algorithm 4 ("double-hash port selection"): the search for a
/// free port starts at an offset F(local address, remote address, remote port) plus a per-bucket counter,
/// so ports are hard to guess across destinations yet successive connections to one destination do not
/// collide with the previous ones. F is SipHash keyed from the stack's random source.
/// </summary>
internal sealed class EphemeralPorts
{
    private const int TableSize = 256;
    private readonly SipHash _f;
    private readonly SipHash _g;
    private readonly ushort _min;
    private readonly int _count;
    private readonly ushort[] _table = new ushort[TableSize];

    public EphemeralPorts(SipHash f, SipHash g, ushort min, ushort max)
    {
        _f = f;
        _g = g;
        _min = min;
        _count = Math.Max(1, max - min + 1);
    }

    /// <summary>Finds a port for which <paramref name="inUse"/> says no, or returns 0 when every port is taken.</summary>
    public ushort Select<TState>(IpAddress local, IpAddress remote, ushort remotePort, TState state, Func<TState, ushort, bool> inUse)
    {
        Span<byte> buf = stackalloc byte[34];
        int n = local.WriteTo(buf);
        n += remote.WriteTo(buf[n..]);
        buf[n++] = (byte)(remotePort >> 8);
        buf[n++] = (byte)remotePort;
        uint offset = (uint)_f.Hash(buf[..n]);
        int index = (int)(_g.Hash(buf[..n]) % TableSize);

        for (int i = 0; i < _count; i++)
        {
            ushort port = (ushort)(_min + (int)(unchecked(offset + _table[index]) % (uint)_count));
            _table[index]++;
            if (!inUse(state, port))
                return port;
        }
        return 0;
    }
}
