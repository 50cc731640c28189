using System.Buffers.Binary;

namespace SynAck.Sockets;

/// <summary>
/// Hosts that share one address over the queues of one multi-queue TUN device, each with its own
/// <see cref="Stack.NetStack"/> on its own thread: a shard per queue. Every flow has one owner shard, computed from
/// the packet alone, so any shard that reads a packet of another's flow hands it over.
/// </summary>
/// <remarks>
/// <para>Which queue a packet from the kernel lands on is the kernel's choice (<c>tun_automq_select_queue</c>): the
/// queue it last saw that flow's packets written on, while that entry is fresh (it expires after a few seconds
/// idle), else its own symmetric flow hash scaled to the queue count, with a secret seed no process can
/// reproduce. A shard writes a flow's packets only on its own queue, so after the first packet of a flow the kernel
/// steers the flow to its owner; the hand-over covers the first packet (a kernel's SYN) and an idle flow's return.</para>
/// <para>Owners: a packet to an ephemeral port (SynAck's side of a connection SynAck opened) belongs to the shard
/// whose residue class the port is in (port mod shards: each shard chooses its ephemeral ports in its own class);
/// any other packet (to a listening port) belongs to the shard a hash of the remote address and both ports names.
/// A listener is registered in every shard, so each accepts the connections it owns.</para>
/// </remarks>
internal sealed class ShardGroup(int count)
{
    public const ushort EphemeralMin = 32768;
    public const ushort EphemeralMax = 60999;

    private readonly SynAckHost?[] _hosts = new SynAckHost?[count];
    private readonly bool[] _listening = new bool[65536];

    public int Count => count;

    /// <summary>Shard <paramref name="index"/>; null while it is still being made.</summary>
    public SynAckHost? this[int index] => Volatile.Read(ref _hosts[index]);

    public void Set(int index, SynAckHost host) => Volatile.Write(ref _hosts[index], host);

    public void MarkListening(ushort port) => Volatile.Write(ref _listening[port], true);

    /// <summary>The shard that owns the flow of inbound <paramref name="packet"/>; -1 when it is not TCP (the reader keeps it).</summary>
    public int OwnerOf(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 20)
            return -1;
        int offset;
        ReadOnlySpan<byte> source;
        if (packet[0] >> 4 == 4)
        {
            offset = (packet[0] & 0xF) * 4;
            if (packet[9] != 6 || (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x1FFF) != 0)
                return -1;
            source = packet.Slice(12, 4);
        }
        else if (packet[0] >> 4 == 6 && packet.Length >= 40)
        {
            offset = 40;
            if (packet[6] != 6)
                return -1;
            source = packet.Slice(8, 16);
        }
        else
            return -1;
        if (packet.Length < offset + 4)
            return -1;
        ushort remotePort = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
        ushort localPort = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
        if (localPort is >= EphemeralMin and <= EphemeralMax && !Volatile.Read(ref _listening[localPort]))
            return localPort % count;
        uint h = 2166136261;
        foreach (byte b in source)
            h = (h ^ b) * 16777619;
        h = (h ^ remotePort) * 16777619;
        h = (h ^ localPort) * 16777619;
        return (int)((h ^ (h >> 16)) % (uint)count);
    }

    /// <summary>An ephemeral port in <paramref name="shard"/>'s class that <paramref name="free"/> accepts, from a
    /// random start; 0 when none is free.</summary>
    public ushort ChoosePort(int shard, ulong random, Func<ushort, bool> free)
    {
        int first = EphemeralMin + ((shard - EphemeralMin % count) % count + count) % count;
        int slots = (EphemeralMax - first) / count + 1;
        int start = (int)(random % (ulong)slots);
        for (int i = 0; i < slots; i++)
        {
            var port = (ushort)(first + (start + i) % slots * count);
            if (free(port))
                return port;
        }
        return 0;
    }
}
