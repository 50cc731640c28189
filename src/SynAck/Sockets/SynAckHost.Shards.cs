using System.Collections.Concurrent;
using SynAck.Links;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Sockets;

public sealed partial class SynAckHost
{
    private readonly ShardGroup? _group;
    private readonly int _shard;
    private readonly ConcurrentQueue<(byte[] Packet, bool ChecksumVerified)> _forwarded = new();
    private ulong _portRandom;
    private long _packetsForwarded;

    /// <summary>
    /// Starts one host per link, all with <paramref name="address"/>: shards of one stack, each on its own thread
    /// with its own <see cref="NetStack"/>, over the queues of one multi-queue TUN device
    /// (<see cref="TunLink.OpenQueues"/>). Each TCP flow belongs to one shard; a shard that reads a packet of another's
    /// flow hands it over, and a shard sends only on its own queue, so the kernel soon steers each flow's packets to
    /// its owner. Listen on every shard (each accepts the connections it owns); connect from any (the connection
    /// takes an ephemeral port of that shard's class, port mod shards).
    /// </summary>
    /// <param name="links">One link per shard (the queues of one device).</param>
    /// <param name="address">The address every shard answers for.</param>
    /// <param name="options">Settings shared by the shards; each seeds its randomness from <see cref="SynAckHostOptions.Seed"/> plus its index.</param>
    public static IReadOnlyList<SynAckHost> StartShards(IReadOnlyList<ILink> links, IpAddress address, SynAckHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(links);
        ArgumentOutOfRangeException.ThrowIfZero(links.Count);
        options ??= new SynAckHostOptions();
        var group = new ShardGroup(links.Count);
        var hosts = new SynAckHost[links.Count];
        for (int i = 0; i < hosts.Length; i++)
        {
            var own = new SynAckHostOptions
            {
                Settings = options.Settings,
                TimeProvider = options.TimeProvider,
                Seed = options.Seed is { } seed ? seed + (ulong)i : null,
                OwnsLink = options.OwnsLink,
                ShutdownGrace = options.ShutdownGrace,
                CountRetransmissions = options.CountRetransmissions,
                ThreadName = options.ThreadName,
            };
            hosts[i] = new SynAckHost(links[i], address, own, group, i);
        }
        return hosts;
    }

    /// <summary>The shard's index among <see cref="StartShards"/>'s hosts; 0 for a host on its own.</summary>
    public int Shard => _shard;

    /// <summary>Packets this shard read that belonged to another shard's flow, and handed over.</summary>
    public long PacketsForwarded => Interlocked.Read(ref _packetsForwarded);

    /// <summary>Hands <paramref name="packet"/> to the shard that owns its flow, when that is another; false keeps it here.</summary>
    private bool TryForward(ReadOnlySpan<byte> packet, bool checksumVerified)
    {
        int owner = _group!.OwnerOf(packet);
        if (owner < 0 || owner == _shard)
            return false;
        var target = _group[owner];
        if (target is null)
        {
            _packetsIgnored++; // that shard is still starting: nothing of its flows exists yet
            return true;
        }
        target._forwarded.Enqueue((packet.ToArray(), checksumVerified));
        target._link.Wake();
        _packetsForwarded++;
        return true;
    }

    private void DeliverForwarded(Instant now)
    {
        while (_forwarded.TryDequeue(out var item))
        {
            if (item.ChecksumVerified)
                _stack.DeliverChecksumVerified(item.Packet, now);
            else
                _stack.Deliver(item.Packet, now);
            _stack.Poll(now, _sink);
            _link.EndBatch();
        }
    }

    /// <summary>0 (the stack chooses) for a host on its own; in a shard, a free ephemeral port of its class.</summary>
    private ushort ChooseLocalPort(ConnectAttempt attempt)
    {
        if (_group is null)
            return 0;
        _portRandom = _portRandom * 6364136223846793005UL + 1442695040888963407UL;
        var port = _group.ChoosePort(_shard, _portRandom >> 16,
            p => !_stack.InUse(new ConnectionId(_stack.Address, p, attempt.Remote, attempt.RemotePort)));
        return port != 0 ? port : throw new InvalidOperationException("no ephemeral port of this shard is free for this destination");
    }
}
