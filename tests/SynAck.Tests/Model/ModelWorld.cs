using SynAck.Diagnostics;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Model;

/// <summary>
/// Two stacks and a wire under complete control of a test: every packet in flight can be delivered in any order,
/// dropped, duplicated, corrupted or replayed later; every user call and timer firing is one step. After each step
/// <see cref="CheckInvariants"/> holds both engines to what must always be true, whatever the interleaving.
/// </summary>
internal sealed class ModelWorld
{
    public static readonly IpAddress ClientAddress = IpAddress.V4(10, 9, 0, 1);
    public static readonly IpAddress ServerAddress = IpAddress.V4(10, 9, 0, 2);
    public const ushort ServerPort = 80;

    private readonly List<(bool ToServer, byte[] Packet)> _inFlight = [];
    private readonly List<(bool ToServer, byte[] Packet)> _history = [];
    private readonly List<Endpoint> _endpoints = [];
    private readonly Sink _fromClient;
    private readonly Sink _fromServer;

    public ModelWorld(TcpSettings settings, ulong seed)
    {
        Settings = settings;
        Client = new NetStack(ClientAddress, settings, new SplitMix64Random(seed));
        Server = new NetStack(ServerAddress, settings, new SplitMix64Random(seed ^ 0x5EED));
        ClientChecker = new TransitionChecker();
        ServerChecker = new TransitionChecker();
        Client.AddObserver(ClientChecker);
        Server.AddObserver(ServerChecker);
        Server.Listen(ServerPort, backlog: 4);
        _fromClient = new Sink(this, toServer: true);
        _fromServer = new Sink(this, toServer: false);
    }

    public TcpSettings Settings { get; }

    public NetStack Client { get; }

    public NetStack Server { get; }

    public TransitionChecker ClientChecker { get; }

    public TransitionChecker ServerChecker { get; }

    public Instant Now { get; private set; } = Instant.FromMilliseconds(1);

    public int Steps { get; private set; }

    /// <summary>Bytes read by either side, each checked against what its peer wrote.</summary>
    public long BytesVerified { get; private set; }

    public int InFlight => _inFlight.Count;

    /// <summary>One user-side socket: which stack, its handle and 4-tuple, how much it wrote and read.</summary>
    private sealed class Endpoint(bool isClient, TcpHandle handle, ConnectionId id)
    {
        public bool IsClient { get; } = isClient;

        public TcpHandle Handle { get; } = handle;

        public ConnectionId Id { get; } = id;

        public long Written { get; set; }

        public long Read { get; set; }

        public bool Gone { get; set; }
    }

    /// <summary>Applies one operation chosen by <paramref name="op"/> (0–99) with parameter <paramref name="arg"/>, then polls both stacks.</summary>
    public void Step(int op, uint arg)
    {
        Steps++;
        var live = _endpoints.Where(e => !e.Gone).ToList();
        Endpoint? Pick() => live.Count == 0 ? null : live[(int)(arg % (uint)live.Count)];
        switch (op)
        {
            case < 8:
                if (live.Count(e => e.IsClient) < 4)
                {
                    var h = Client.Connect(ServerAddress, ServerPort, Now);
                    _endpoints.Add(new Endpoint(true, h, Client.GetConnectionId(h)));
                }
                break;
            case < 13:
                if (Server.TryAccept(ServerPort, out var accepted))
                    _endpoints.Add(new Endpoint(false, accepted, Server.GetConnectionId(accepted)));
                break;
            case < 28:
                if (Pick() is { } s)
                    Write(s, (int)(arg % 3000));
                break;
            case < 43:
                if (Pick() is { } r)
                    Read(r, (int)(arg % 5000) + 1);
                break;
            case < 47:
                if (Pick() is { } sh && Usable(sh))
                    StackOf(sh).Shutdown(sh.Handle, Now);
                break;
            case < 50:
                if (Pick() is { } c)
                    Close(c);
                break;
            case < 52:
                if (Pick() is { } a)
                {
                    StackOf(a).Abort(a.Handle, Now);
                    a.Gone = true;
                }
                break;
            case < 72:
                DeliverOne((int)arg);
                break;
            case < 75:
                if (_inFlight.Count > 0)
                    _inFlight.RemoveAt((int)(arg % (uint)_inFlight.Count));
                break;
            case < 77:
                if (_inFlight.Count > 0)
                    _inFlight.Add(_inFlight[(int)(arg % (uint)_inFlight.Count)]);
                break;
            case < 80:
                // A stale duplicate from the past (RFC 9293 §3.4's old segments), delivered now.
                if (_history.Count > 0)
                {
                    var (toServer, packet) = _history[(int)(arg % (uint)_history.Count)];
                    (toServer ? Server : Client).Deliver(packet, Now);
                }
                break;
            case < 83:
                Forge(arg);
                break;
            case < 85:
                if (_inFlight.Count > 0)
                {
                    int i = (int)(arg % (uint)_inFlight.Count);
                    var (toServer, packet) = _inFlight[i];
                    var bent = (byte[])packet.Clone();
                    bent[(int)(arg >> 8) % bent.Length] ^= (byte)(1 << (int)(arg % 8));
                    _inFlight[i] = (toServer, bent);
                }
                break;
            case < 93:
                Now += Duration.FromMilliseconds(1 + arg % 50);
                break;
            default:
                // The next timer firing of either stack, however far away.
                var next = Instant.Min(Client.NextDeadline, Server.NextDeadline);
                if (next != Instant.MaxValue && next > Now)
                    Now = next;
                break;
        }
        PollBoth();
        CheckInvariants();
    }

    /// <summary>Closes every socket, then lets the network run loss-free until both stacks are empty (2MSL included).</summary>
    public void DrainToEmpty()
    {
        Instant limit = Now + Duration.FromSeconds(4 * 3600);
        while (Now < limit)
        {
            // Connections that complete their handshake while draining wait in the accept queue: take and close them too.
            while (Server.TryAccept(ServerPort, out var h))
                _endpoints.Add(new Endpoint(false, h, Server.GetConnectionId(h)));
            foreach (var e in _endpoints.Where(e => !e.Gone).ToList())
            {
                // Read what is there so a close is a FIN, not the RST of RFC 2525 §2.17 (both are legal; the FIN exercises more).
                Read(e, int.MaxValue / 2);
                Close(e);
            }
            PollBoth();
            while (_inFlight.Count > 0)
            {
                var (toServer, packet) = _inFlight[0];
                _inFlight.RemoveAt(0);
                (toServer ? Server : Client).Deliver(packet, Now);
                PollBoth();
            }
            CheckInvariants();
            if (Client.ConnectionCount + Server.ConnectionCount + Client.TimeWaitCount + Server.TimeWaitCount == 0)
                return;
            var next = Instant.Min(Client.NextDeadline, Server.NextDeadline);
            if (next == Instant.MaxValue)
                return;
            Now = Instant.Max(Now + Duration.FromMilliseconds(1), next);
        }
    }

    /// <summary>Every socket the model opened: side, 4-tuple, the handle's state and the table's, bytes written and read.</summary>
    public string Describe() => string.Join("\n", _endpoints.Select(e =>
        $"{(e.IsClient ? "client" : "server")} {e.Id} handle={StackOf(e).State(e.Handle)} table={StackOf(e).StateOf(e.Id)} gone={e.Gone} written={e.Written} read={e.Read}"));

    /// <summary>What must hold after every step, whatever happened on the wire.</summary>
    public void CheckInvariants()
    {
        ClientChecker.ThrowIfViolated();
        ServerChecker.ThrowIfViolated();
        foreach (var e in _endpoints)
        {
            if (!StackOf(e).TryGetConnection(e.Id, out var c))
                continue;
            Assert.True(c.SndUna <= c.SndNxt, $"step {Steps} {e.Id}: SND.UNA {c.SndUna} > SND.NXT {c.SndNxt}");
            Assert.True(c.SndNxt <= c.SndMax, $"step {Steps} {e.Id}: SND.NXT {c.SndNxt} > SND.MAX {c.SndMax}");
            Assert.True(c.SendQueued >= 0 && c.SendQueued <= Settings.SendBufferSize, $"step {Steps} {e.Id}: {c.SendQueued} bytes queued to send");
            Assert.True(c.ReceiveAvailable >= 0 && c.ReceiveAvailable <= Settings.ReceiveBufferSize, $"step {Steps} {e.Id}: {c.ReceiveAvailable} bytes readable");
            Assert.True(c.RcvWnd <= (uint)Settings.ReceiveBufferSize, $"step {Steps} {e.Id}: receive window {c.RcvWnd}");
            Assert.True(c.Cwnd > 0, $"step {Steps} {e.Id}: cwnd {c.Cwnd}");
        }
    }

    private NetStack StackOf(Endpoint e) => e.IsClient ? Client : Server;

    private bool Usable(Endpoint e) => StackOf(e).TryGetConnection(e.Id, out _);

    private void Close(Endpoint e)
    {
        StackOf(e).Close(e.Handle, Now);
        e.Gone = true;
    }

    /// <summary>The byte at <paramref name="offset"/> of the stream that the client (or server) of the connection from <paramref name="clientPort"/> writes.</summary>
    private static byte Pattern(bool fromClient, ushort clientPort, long offset) => (byte)((offset * 7) + (clientPort * 13) + (fromClient ? 101 : 0) + (offset >> 8));

    private static ushort ClientPort(Endpoint e) => e.IsClient ? e.Id.LocalPort : e.Id.RemotePort;

    private void Write(Endpoint e, int length)
    {
        if (!Usable(e))
            return;
        var stack = StackOf(e);
        length = Math.Min(length, stack.SendSpace(e.Handle));
        if (length <= 0)
            return;
        var data = new byte[length];
        for (int i = 0; i < length; i++)
            data[i] = Pattern(e.IsClient, ClientPort(e), e.Written + i);
        int taken = stack.Send(e.Handle, data, Now);
        Assert.InRange(taken, 0, length);
        e.Written += taken;
    }

    private void Read(Endpoint e, int length)
    {
        if (!Usable(e))
            return;
        var stack = StackOf(e);
        var buffer = new byte[Math.Min(length, 1 << 20)];
        int n = stack.Receive(e.Handle, buffer, Now);
        Assert.InRange(n, 0, buffer.Length);
        // No byte is delivered that the peer did not send, and none out of order (RFC 9293 §3.10.7.4, seventh).
        var peer = _endpoints.FirstOrDefault(p => p.IsClient != e.IsClient && ClientPort(p) == ClientPort(e) && p.Id.LocalPort == e.Id.RemotePort);
        for (int i = 0; i < n; i++)
        {
            byte expected = Pattern(!e.IsClient, ClientPort(e), e.Read + i);
            if (buffer[i] != expected)
                Assert.Fail($"step {Steps} {e.Id}: byte {e.Read + i} is {buffer[i]}, the peer wrote {expected}");
        }
        if (peer is not null)
            Assert.True(e.Read + n <= peer.Written, $"step {Steps} {e.Id}: read {e.Read + n} bytes, the peer wrote {peer.Written}");
        e.Read += n;
        BytesVerified += n;
    }

    private void DeliverOne(int pick)
    {
        if (_inFlight.Count == 0)
            return;
        int i = (int)((uint)pick % (uint)_inFlight.Count);
        var (toServer, packet) = _inFlight[i];
        _inFlight.RemoveAt(i);
        (toServer ? Server : Client).Deliver(packet, Now);
    }

    /// <summary>A blind attacker's segment: RST, SYN or ACK with a guessed sequence number on a known 4-tuple (RFC 5961).</summary>
    private void Forge(uint arg)
    {
        if (_endpoints.Count == 0)
            return;
        var e = _endpoints[(int)(arg % (uint)_endpoints.Count)];
        TcpFlags flags = (arg % 3) switch { 0 => TcpFlags.Rst, 1 => TcpFlags.Syn, _ => TcpFlags.Ack };
        var seq = new SeqNum(arg * 2654435761u);
        var ack = new SeqNum(arg * 40503u);
        var h = new TcpHeaderFields { SourcePort = e.Id.RemotePort, DestinationPort = e.Id.LocalPort, Seq = seq, Ack = ack, Flags = flags | (flags == TcpFlags.Rst ? 0 : TcpFlags.Ack), Window = 1024 };
        var buf = new byte[IpPacket.TcpPacketLength(e.Id.RemoteAddress, default, 0)];
        IpPacket.WriteTcp(buf, e.Id.RemoteAddress, e.Id.LocalAddress, h, ReadOnlySpan<byte>.Empty);
        StackOf(e).Deliver(buf, Now);
    }

    private void PollBoth()
    {
        Client.Poll(Now, _fromClient);
        Server.Poll(Now, _fromServer);
    }

    private sealed class Sink(ModelWorld world, bool toServer) : IPacketSink
    {
        public void Send(ReadOnlySpan<byte> ipPacket)
        {
            var copy = ipPacket.ToArray();
            world._inFlight.Add((toServer, copy));
            if (world._history.Count < 4096)
                world._history.Add((toServer, copy));
            else
                world._history[(int)(world.Steps * 2654435761u % 4096)] = (toServer, copy);
        }
    }
}
