using SynAck.Diagnostics;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Soak;

/// <summary>
/// A simulated host running a NetStack and the soak application on top of it. The application reacts to the
/// stack's events: a connection with any event is pumped after the Deliver or Poll that caused it.
/// </summary>
internal sealed class SoakHost : IPacketEndpoint, ITcpObserver
{
    public const ushort Port = 80;

    private readonly Dictionary<ConnectionId, SoakPeer> _peers = [];
    private readonly List<SoakPeer> _dirty = [];
    private readonly List<SoakPeer> _work = [];
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly Func<ConnectionId, (long SendTotal, ulong DataSeed)> _serverPlan;
    private bool _acceptPending;

    public SoakHost(string name, IpAddress address, TcpSettings settings, ulong seed, Func<ConnectionId, (long, ulong)> serverPlan)
    {
        Name = name;
        Stack = new NetStack(address, settings, new SplitMix64Random(seed));
        Checker = new TransitionChecker();
        Stack.AddObserver(Checker);
        Stack.AddObserver(this);
        Stack.Listen(Port, backlog: 1024);
        _serverPlan = serverPlan;
    }

    public string Name { get; }

    public NetStack Stack { get; }

    public TransitionChecker Checker { get; }

    public List<SoakPeer> Peers { get; } = [];

    public Instant NextDeadline => Stack.NextDeadline;

    /// <summary>Connections this host opened as a client.</summary>
    public int Opened { get; private set; }

    /// <summary>Peers (either role) whose exchange is over.</summary>
    public int Finished { get; private set; }

    /// <summary>True when every peer on this host is done.</summary>
    public bool AllDone => Finished == Peers.Count;

    private void OnPeerDone() => Finished++;

    public SoakPeer Open(IpAddress remote, long sendTotal, ulong dataSeed, Instant now)
    {
        var h = Stack.Connect(remote, Port, now);
        var id = Stack.GetConnectionId(h);
        var peer = new SoakPeer(Stack, h, id, sendTotal, dataSeed, OnPeerDone);
        Opened++;
        _peers[id] = peer;   // a 4-tuple may come back after TIME-WAIT: the newest peer owns it
        Peers.Add(peer);
        return peer;
    }

    public void Deliver(ReadOnlySpan<byte> ipPacket, Instant now)
    {
        Stack.Deliver(ipPacket, now);
        Pump(now);
    }

    public void Poll(Instant now, IPacketSink sink)
    {
        Stack.Poll(now, sink);
        if (Pump(now))
            Stack.Poll(now, sink);
    }

    public void OnEvent(in TcpEvent e)
    {
        switch (e.Kind)
        {
            case TcpEventKind.SegmentReceived or TcpEventKind.StateChanged or TcpEventKind.ConnectionError or TcpEventKind.TimerFired:
                if (e.Kind == TcpEventKind.StateChanged && e.To == TcpState.Established)
                    _acceptPending = true;
                if (_peers.TryGetValue(e.Connection, out var p))
                {
                    if (e.Kind == TcpEventKind.ConnectionError && p.Done && p.LateError == TcpError.None)
                        p.LateError = e.Error;
                    MarkDirty(p);
                }
                break;
        }
    }

    /// <summary>Pumps <paramref name="peer"/> right now (after its connection was opened).</summary>
    public void MarkDirty(SoakPeer peer)
    {
        if (peer.IsDirty)
            return;
        peer.IsDirty = true;
        _dirty.Add(peer);
    }

    /// <summary>Accepts waiting connections and pumps every peer that had an event; true when any peer ran.</summary>
    private bool Pump(Instant now)
    {
        bool any = false;
        for (int round = 0; round < 100 && (_dirty.Count > 0 || _acceptPending); round++)
        {
            if (_acceptPending)
            {
                _acceptPending = false;
                while (Stack.TryAccept(Port, out var h))
                {
                    var id = Stack.GetConnectionId(h);
                    var (total, seed) = _serverPlan(id);
                    var peer = new SoakPeer(Stack, h, id, total, seed, OnPeerDone);
                    _peers[id] = peer;
                    Peers.Add(peer);
                    MarkDirty(peer);
                }
            }
            _work.Clear();
            _work.AddRange(_dirty);
            _dirty.Clear();
            foreach (var peer in _work)
            {
                peer.IsDirty = false;
                if (!peer.Done)
                {
                    peer.Pump(now, _buffer);
                    any = true;
                }
            }
        }
        return any;
    }
}
