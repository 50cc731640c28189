using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>
/// One server <see cref="NetStack"/> and as many client stacks (each its own address) as the 4-tuples need, on one
/// thread, joined by one <see cref="PacketQueue"/> that routes by destination address. Each client opens at most
/// <see cref="ConnectionsPerClient"/> connections, well inside its ephemeral port range, so no 4-tuple is reused
/// while an earlier one may still hold it.
/// </summary>
internal sealed class StackFleet
{
    public const ushort Port = 80;
    public const int ConnectionsPerClient = 20_000;

    private readonly PacketQueue _wire = new();
    private readonly Dictionary<uint, NetStack> _byAddress = [];
    private readonly Func<uint, NetStack> _route;
    private int _next;

    public StackFleet(int connections, TcpSettings serverSettings, TcpSettings clientSettings, ulong seed)
    {
        Server = new NetStack(IpAddress.V4(10, 0, 0, 1), serverSettings, new SplitMix64Random(seed));
        Server.Listen(Port, backlog: 4096);
        int clients = Math.Max(1, (connections + ConnectionsPerClient - 1) / ConnectionsPerClient);
        Clients = new NetStack[clients];
        for (int i = 0; i < clients; i++)
        {
            var address = IpAddress.V4((uint)(10 << 24 | 1 << 16) + (uint)i + 1);
            Clients[i] = new NetStack(address, clientSettings, new SplitMix64Random(seed + 1 + (ulong)i));
        }
        foreach (var s in Clients.Append(Server))
            _byAddress.Add(s.Address.V4Value, s);
        _route = a => _byAddress[a];
    }

    public NetStack Server { get; }

    public NetStack[] Clients { get; }

    /// <summary>Packets that crossed the wire so far.</summary>
    public long Packets => _wire.Total;

    /// <summary>Opens the next connection, from the clients in turn.</summary>
    public (NetStack Client, TcpHandle Handle) Connect(Instant now)
    {
        var client = Clients[_next++ % Clients.Length];
        return (client, client.Connect(Server.Address, Port, now));
    }

    /// <summary>Lets every stack send, then hands every packet to its destination; true when any packet moved.</summary>
    public bool Step(Instant now)
    {
        long before = _wire.Total;
        Server.Poll(now, _wire);
        foreach (var c in Clients)
            c.Poll(now, _wire);
        _wire.DeliverRouted(_route, now);
        return _wire.Total != before;
    }

    /// <summary>The earliest timer of any stack after <paramref name="now"/> (for a virtual clock with nothing to do).</summary>
    public Instant NextDeadline(Instant now)
    {
        var next = Server.NextDeadline;
        foreach (var c in Clients)
        {
            if (c.NextDeadline < next)
                next = c.NextDeadline;
        }
        return next > now ? next : now + Duration.FromMicroseconds(1);
    }

    /// <summary>Connections held by every stack, and TIME-WAIT entries, summed.</summary>
    public (long Connections, long TimeWait) Totals()
    {
        long connections = Server.ConnectionCount, timeWait = Server.TimeWaitCount;
        foreach (var c in Clients)
        {
            connections += c.ConnectionCount;
            timeWait += c.TimeWaitCount;
        }
        return (connections, timeWait);
    }
}
