using SynAck.Diagnostics;
using SynAck.Simulation;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Scenarios;

/// <summary>
/// A client (198.18.0.1) and a server (198.18.0.2) NetStack on the simulator, joined by a link with a fixed
/// one-way latency, each with a <see cref="TransitionChecker"/> and an event recorder, and a packet log of the wire.
/// </summary>
internal sealed class ScenarioRig
{
    public static readonly IpAddress ClientAddress = IpAddress.V4(198, 18, 0, 1);
    public static readonly IpAddress ServerAddress = IpAddress.V4(198, 18, 0, 2);
    public const ushort Port = 80;
    public static readonly Duration OneWay = Duration.FromMilliseconds(10);

    private readonly ulong _seed;
    private readonly List<TransitionChecker> _checkers = [];
    private readonly HashSet<NetStack> _listening = [];

    public ScenarioRig(TcpSettings? client = null, TcpSettings? server = null, ulong seed = 1, LinkProfile? link = null)
    {
        _seed = seed;
        ClientSettings = client ?? TcpSettings.Default;
        ServerSettings = server ?? TcpSettings.Default;
        Net = new Network(seed);
        Client = NewStack(ClientAddress, ClientSettings, ClientEvents, 1);
        Server = NewStack(ServerAddress, ServerSettings, ServerEvents, 2);
        Net.AddHost("client", ClientAddress, Client);
        Net.AddHost("server", ServerAddress, Server);
        Net.Connect("client", "server", link ?? new LinkProfile { Latency = OneWay });
        Net.AddObserver(Log);
    }

    public Network Net { get; }

    public TcpSettings ClientSettings { get; }

    public TcpSettings ServerSettings { get; }

    public NetStack Client { get; }

    /// <summary>The server stack now running (replaced by <see cref="RestartServer"/>).</summary>
    public NetStack Server { get; private set; }

    public TcpEventRecorder ClientEvents { get; } = new();

    public TcpEventRecorder ServerEvents { get; private set; } = new();

    public SimEventLog Log { get; } = new(keepPackets: true);

    public Instant Now => Net.Now;

    public List<WireSegment> Segments => WireSegment.Read(Log);

    public static Instant At(double ms) => Instant.FromMilliseconds(ms);

    /// <summary>Crashes the server host and brings it back at once with a fresh stack that remembers nothing.</summary>
    public NetStack RestartServer()
    {
        Net.Crash("server");
        ServerEvents = new TcpEventRecorder();
        Server = NewStack(ServerAddress, ServerSettings, ServerEvents, 3);
        Net.Restart("server", Server);
        return Server;
    }

    /// <summary>Server listens; client connects; runs until both are established and the server accepted.</summary>
    public (TcpHandle Client, TcpHandle Server) Open(ushort clientPort = 0)
    {
        if (!_listening.Contains(Server))
        {
            Server.Listen(Port);
            _listening.Add(Server);
        }
        var c = Client.Connect(ServerAddress, Port, Now, clientPort);
        TcpHandle s = default;
        bool ok = Net.RunUntil(() => Client.State(c) == TcpState.Established && Server.TryAccept(Port, out s), Now + Duration.FromSeconds(5));
        Assert.True(ok, "the connection did not open");
        return (c, s);
    }

    /// <summary>Reads whatever is waiting on <paramref name="h"/>.</summary>
    public static byte[] ReadAll(NetStack stack, TcpHandle h, Instant now)
    {
        var buffer = new byte[65536];
        var all = new List<byte>();
        int n;
        while ((n = stack.Receive(h, buffer, now)) > 0)
            all.AddRange(buffer.AsSpan(0, n));
        return [.. all];
    }

    /// <summary>Bytes 0..length-1 of a pattern that differs per tag.</summary>
    public static byte[] Pattern(int length, int tag)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
            data[i] = (byte)((i * 7) + (i >> 8) + (tag * 31));
        return data;
    }

    /// <summary>Sends all of <paramref name="data"/> on one side, reading on the other, until it has all arrived.</summary>
    public byte[] Transfer(NetStack from, TcpHandle fh, NetStack to, TcpHandle th, byte[] data, Duration limit)
    {
        int sent = 0;
        var got = new List<byte>();
        var buffer = new byte[65536];
        bool done = Net.RunUntil(() =>
        {
            if (sent < data.Length)
                sent += from.Send(fh, data.AsSpan(sent), Net.Now);
            int n;
            while ((n = to.Receive(th, buffer, Net.Now)) > 0)
                got.AddRange(buffer.AsSpan(0, n));
            return got.Count >= data.Length;
        }, Now + limit);
        Assert.True(done, $"only {got.Count} of {data.Length} bytes arrived");
        return [.. got];
    }

    /// <summary>The server-side id of a client-side connection id.</summary>
    public static ConnectionId Mirror(ConnectionId id) => new(id.RemoteAddress, id.RemotePort, id.LocalAddress, id.LocalPort);

    /// <summary>Fails on any transition the state table does not hold, on any stack this rig made.</summary>
    public void CheckTransitions()
    {
        foreach (var c in _checkers)
            c.ThrowIfViolated();
    }

    private NetStack NewStack(IpAddress address, TcpSettings settings, TcpEventRecorder recorder, ulong salt)
    {
        var key = new byte[16];
        new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed(_seed, "isn" + salt)).NextBytes(key);
        var stack = new NetStack(address, settings, new SplitMix64Random(_seed * 1000 + salt), key);
        var checker = new TransitionChecker(settings.AnyDemonstration);
        _checkers.Add(checker);
        stack.AddObserver(checker);
        stack.AddObserver(recorder);
        return stack;
    }
}
