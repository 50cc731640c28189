using System.Globalization;
using SynAck.Analysis.Ladder;
using SynAck.Simulation;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Analysis.Scenarios;

/// <summary>
/// The stage a scenario script plays on: a simulated network with a <c>client</c> and a <c>server</c> host, each
/// running a <see cref="NetStack"/>, an application layer that reads every connection as data arrives, and the
/// recorders (ladder, transitions, errors, event list). Scripts advance virtual time with the Run methods; an
/// action after a Run happens at the very instant the awaited condition came true.
/// </summary>
internal sealed class ScenarioContext
{
    public const string ClientName = "client";
    public const string ServerName = "server";

    public static readonly IpAddress ClientAddress = IpAddress.V4(198, 18, 0, 1);
    public static readonly IpAddress ServerAddress = IpAddress.V4(198, 18, 0, 2);

    private readonly List<AppSocket> _sockets = [];
    private readonly HashSet<ushort> _autoAccept = [];
    private readonly byte[] _readBuffer = new byte[65536];
    private readonly SideRecorder _clientRecorder;
    private readonly SideRecorder _serverRecorder;
    private int _serverIncarnation;

    public ScenarioContext(ScenarioOptions options, bool numberConnections)
    {
        Options = options;
        ClientSettings = SettingsFor(options, client: true);
        ServerSettings = SettingsFor(options, client: false);
        Network = new Network(options.Seed);
        Ladder = new LadderBuilder(ClientName, ServerName) { NumberConnections = numberConnections };
        _clientRecorder = new SideRecorder(this, ClientName);
        _serverRecorder = new SideRecorder(this, ServerName);
        Client = NewStack(ClientAddress, ClientSettings, 1, _clientRecorder, LadderSide.Left);
        Server = NewStack(ServerAddress, ServerSettings, 2, _serverRecorder, LadderSide.Right);
        Network.AddHost(ClientName, ClientAddress, Client);
        Network.AddHost(ServerName, ServerAddress, Server);
        var link = new LinkProfile { Latency = options.Rtt / 2, Loss = options.Loss };
        Network.Connect(ClientName, ServerName, link);
        Network.AddObserver(Ladder);
        Network.AddObserver(new NetworkRecorder(this));
    }

    public ScenarioOptions Options { get; }

    public TcpSettings ClientSettings { get; }

    public TcpSettings ServerSettings { get; }

    public Network Network { get; }

    public NetStack Client { get; }

    /// <summary>The server's current stack (a fresh one after a restart).</summary>
    public NetStack Server { get; private set; }

    public LadderBuilder Ladder { get; }

    public Instant Now => Network.Now;

    public List<ScenarioEvent> Events { get; } = [];

    public IReadOnlyList<AppSocket> Sockets => _sockets;

    public SideRecorder ClientRecord => _clientRecorder;

    public SideRecorder ServerRecord => _serverRecorder;

    /// <summary>Only the counterfactual's own side gets the demonstration switch: the active closer for no-time-wait, the listener for two-way-handshake.</summary>
    private static TcpSettings SettingsFor(ScenarioOptions o, bool client) => new()
    {
        Msl = o.Msl,
        DemoSkipTimeWait = client && o.WhatIf == WhatIf.NoTimeWait,
        // RFC 7323 PAWS would catch the old segment on its own; without TIME-WAIT the lesson needs it off too.
        Timestamps = !(client && o.WhatIf == WhatIf.NoTimeWait),
        DemoTwoWayHandshake = !client && o.WhatIf == WhatIf.TwoWayHandshake,
    };

    private NetStack NewStack(IpAddress address, TcpSettings settings, ulong salt, SideRecorder recorder, LadderSide side)
    {
        // Every key derives from the seed, so one seed replays the same ports and ISNs.
        var keySource = new SplitMix64Random(Options.Seed * 0x9E3779B97F4A7C15UL + salt);
        Span<byte> key = stackalloc byte[16];
        BitConverter.TryWriteBytes(key, keySource.NextUInt64());
        BitConverter.TryWriteBytes(key[8..], keySource.NextUInt64());
        var stack = new NetStack(address, settings, new SplitMix64Random(keySource.NextUInt64()), key);
        stack.AddObserver(recorder);
        stack.AddObserver(Ladder.ObserverFor(side));
        return stack;
    }

    public void Listen(ushort port, int backlog = 128, bool autoAccept = true)
    {
        Server.Listen(port, backlog);
        if (autoAccept)
            _autoAccept.Add(port);
    }

    /// <summary>From now on the server's application accepts every connection waiting on <paramref name="port"/> as soon as it is there.</summary>
    public void AutoAccept(ushort port) => _autoAccept.Add(port);

    public AppSocket Connect(ushort remotePort, ushort localPort = 0)
    {
        var h = Client.Connect(ServerAddress, remotePort, Now, localPort);
        var s = new AppSocket(ClientName, Client, h, Now);
        _sockets.Add(s);
        return s;
    }

    /// <summary>An active open from the server's side (simultaneous open).</summary>
    public AppSocket ConnectFromServer(ushort remotePort, ushort localPort)
    {
        var h = Server.Connect(ClientAddress, remotePort, Now, localPort);
        var s = new AppSocket(ServerName, Server, h, Now);
        _sockets.Add(s);
        Pair(s);
        return s;
    }

    /// <summary>Takes every waiting connection on <paramref name="port"/>; returns how many.</summary>
    public int Accept(ushort port)
    {
        int n = 0;
        while (Server.TryAccept(port, out var h))
        {
            var s = new AppSocket(ServerName, Server, h, Now);
            _sockets.Add(s);
            Pair(s);
            n++;
        }
        return n;
    }

    public IEnumerable<AppSocket> ServerSockets => _sockets.Where(s => s.Side == ServerName);

    public IEnumerable<AppSocket> ClientSockets => _sockets.Where(s => s.Side == ClientName);

    public int ServerAccepted { get; private set; }

    private void Pair(AppSocket s)
    {
        if (s.Side == ServerName)
            ServerAccepted++;
        var mirror = new ConnectionId(s.Id.RemoteAddress, s.Id.RemotePort, s.Id.LocalAddress, s.Id.LocalPort);
        var peer = _sockets.LastOrDefault(o => o != s && o.Peer is null && o.Side != s.Side && o.Id == mirror);
        if (peer is not null)
        {
            s.Peer = peer;
            peer.Peer = s;
        }
    }

    public void Send(AppSocket s, ReadOnlySpan<byte> data)
    {
        int n = s.Stack.Send(s.Handle, data, Now);
        for (int i = 0; i < n; i++)
            s.Sent.Add(data[i]);
        if (n != data.Length)
            throw new InvalidOperationException($"the scenario wrote {data.Length} bytes but the send buffer took {n}");
    }

    public void Shutdown(AppSocket s) => s.Stack.Shutdown(s.Handle, Now);

    public void Close(AppSocket s)
    {
        Read(s);
        s.Stack.Close(s.Handle, Now);
        s.Released = true;
    }

    public void Abort(AppSocket s)
    {
        s.Stack.Abort(s.Handle, Now);
        s.Released = true;
    }

    /// <summary>The server host crashes now; its connections die with it.</summary>
    public void CrashServer()
    {
        Network.Crash(ServerName);
        foreach (var s in ServerSockets)
            s.Dead = true;
    }

    /// <summary>The server host comes back now with a fresh stack that knows no connection.</summary>
    public void RestartServer()
    {
        _serverIncarnation++;
        Server = NewStack(ServerAddress, ServerSettings, 2 + 1000UL * (ulong)_serverIncarnation, _serverRecorder, LadderSide.Right);
        _autoAccept.Clear();
        Network.Restart(ServerName, Server);
    }

    /// <summary>Runs until <paramref name="condition"/> holds or <paramref name="within"/> passes; returns whether it held.</summary>
    public bool RunUntil(Func<bool> condition, Duration within)
        => Network.RunUntil(() =>
        {
            Pump();
            return condition();
        }, Now + within);

    public void RunFor(Duration d) => RunUntil(static () => false, d);

    /// <summary>Runs until nothing is left to do (every timer done, every packet delivered) or <paramref name="within"/> passes.</summary>
    public bool RunUntilIdle(Duration within)
        => RunUntil(() => Network.IsIdle, within);

    /// <summary>What the applications do whenever the network moves: accept waiting connections and read every byte that arrived.</summary>
    private void Pump()
    {
        foreach (ushort port in _autoAccept)
            Accept(port);
        foreach (var s in _sockets)
            Read(s);
    }

    private void Read(AppSocket s)
    {
        if (s.Released || s.Dead)
            return;
        int n;
        while ((n = s.Stack.Receive(s.Handle, _readBuffer, Now)) > 0)
        {
            for (int i = 0; i < n; i++)
                s.Received.Add(_readBuffer[i]);
        }
        if (s.Stack.IsReceiveComplete(s.Handle))
            s.EndOfStream = true;
    }

    /// <summary>Bytes that say which connection and direction wrote them, so a byte read on the wrong connection shows.</summary>
    public static byte[] Payload(string text, int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
            bytes[i] = (byte)text[i % text.Length];
        return bytes;
    }

    internal void Log(Instant at, string source, string kind, string detail) => Events.Add(new ScenarioEvent(at, source, kind, detail));

    internal static string Describe(in TcpSegmentSummary s)
        => string.Create(CultureInfo.InvariantCulture, $"{new SegmentSummary(s.Flags, s.Seq.Value, s.Ack.Value, s.Window, s.PayloadLength).FlagText} seq={s.Seq.Value} ack={s.Ack.Value} win={s.Window} len={s.PayloadLength}");
}
