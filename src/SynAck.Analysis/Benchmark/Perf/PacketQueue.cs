using SynAck.Stack;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>
/// An in-memory wire that allocates only while it grows to its working size: packets are copied into one arena in
/// order and handed to the receiving stack by <see cref="DeliverTo"/> (or by destination, <see cref="DeliverRouted"/>).
/// </summary>
internal sealed class PacketQueue : IPacketSink
{
    private byte[] _arena = new byte[4 << 20];
    private int[] _ends = new int[8192];
    private int _used;

    public int Count { get; private set; }

    /// <summary>Packets sent through the queue since it was made.</summary>
    public long Total { get; private set; }

    public void Send(ReadOnlySpan<byte> ipPacket)
    {
        if (_used + ipPacket.Length > _arena.Length)
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + ipPacket.Length));
        if (Count == _ends.Length)
            Array.Resize(ref _ends, _ends.Length * 2);
        ipPacket.CopyTo(_arena.AsSpan(_used));
        _used += ipPacket.Length;
        _ends[Count++] = _used;
        Total++;
    }

    public void DeliverTo(NetStack to, Time.Instant now)
    {
        int start = 0;
        for (int i = 0; i < Count; i++)
        {
            to.Deliver(_arena.AsSpan(start, _ends[i] - start), now);
            start = _ends[i];
        }
        Clear();
    }

    /// <summary>Hands each IPv4 packet to the stack its destination address names (bytes 16..19 of the header).</summary>
    public void DeliverRouted(Func<uint, NetStack> route, Time.Instant now)
    {
        int start = 0;
        for (int i = 0; i < Count; i++)
        {
            var packet = _arena.AsSpan(start, _ends[i] - start);
            uint destination = (uint)(packet[16] << 24 | packet[17] << 16 | packet[18] << 8 | packet[19]);
            route(destination).Deliver(packet, now);
            start = _ends[i];
        }
        Clear();
    }

    private void Clear()
    {
        Count = 0;
        _used = 0;
    }
}
