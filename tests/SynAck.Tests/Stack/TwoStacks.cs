using SynAck.Diagnostics;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Stack;

/// <summary>
/// A tiny two-host harness (not the simulator): a client and a server stack joined by a wire with a fixed
/// one-way latency, a list of packets in flight, exact virtual time, an optional drop rule, and a
/// <see cref="TransitionChecker"/> on each side that every test ends by checking.
/// </summary>
internal sealed class TwoStacks
{
    public static readonly IpAddress ClientAddress = IpAddress.V4(10, 0, 0, 1);
    public static readonly IpAddress ServerAddress = IpAddress.V4(10, 0, 0, 2);
    private readonly IpAddress _serverAddress;

    private readonly List<(Instant At, bool ToServer, byte[] Packet)> _inFlight = [];
    private readonly Sink _clientSink;
    private readonly Sink _serverSink;

    public TwoStacks(TcpSettings? client = null, TcpSettings? server = null, ulong seed = 1, IpAddress? clientAddress = null, IpAddress? serverAddress = null)
    {
        var cs = client ?? TcpSettings.Default;
        var ss = server ?? client ?? TcpSettings.Default;
        _serverAddress = serverAddress ?? ServerAddress;
        Client = new NetStack(clientAddress ?? ClientAddress, cs, new SplitMix64Random(seed));
        Server = new NetStack(_serverAddress, ss, new SplitMix64Random(seed + 1000));
        ClientChecker = new TransitionChecker(cs.AnyDemonstration);
        ServerChecker = new TransitionChecker(ss.AnyDemonstration);
        Client.AddObserver(ClientChecker);
        Server.AddObserver(ServerChecker);
        Client.AddObserver(ClientLog);
        Server.AddObserver(ServerLog);
        _clientSink = new Sink(this, true);
        _serverSink = new Sink(this, false);
    }

    public NetStack Client { get; }

    public NetStack Server { get; private set; }

    public TransitionChecker ClientChecker { get; }

    public TransitionChecker ServerChecker { get; }

    public EventLog ClientLog { get; } = new();

    public EventLog ServerLog { get; } = new();

    public Instant Now { get; private set; }

    public Duration Latency { get; set; } = Duration.FromMilliseconds(10);

    /// <summary>Returns true to drop a segment instead of putting it on the wire.</summary>
    public Func<SegmentRecord, bool>? DropRule { get; set; }

    /// <summary>Every segment put on the wire (dropped ones too, with <see cref="Dropped"/> listing them).</summary>
    public List<SegmentRecord> Wire { get; } = [];

    public List<SegmentRecord> Dropped { get; } = [];

    public int InFlight => _inFlight.Count;

    /// <summary>Optional chaos: a seeded source for random loss, duplication and reordering (extra delay).</summary>
    public SplitMix64Random? Chaos { get; set; }

    public double LossRate { get; set; }

    public double DuplicateRate { get; set; }

    /// <summary>Up to this much extra delay per packet, drawn from <see cref="Chaos"/>, which reorders packets.</summary>
    public Duration Jitter { get; set; }

    /// <summary>Bytes per second each direction serializes (0: infinitely fast); packets queue behind each other.</summary>
    public long Bandwidth { get; set; }

    private Instant _clientLineFree;
    private Instant _serverLineFree;

    /// <summary>When a packet of <paramref name="length"/> bytes sent now finishes leaving its sender.</summary>
    private Instant Serialize(bool fromClient, int length)
    {
        if (Bandwidth <= 0)
            return Now;
        ref var free = ref fromClient ? ref _clientLineFree : ref _serverLineFree;
        free = Instant.Max(free, Now) + new Duration(length * 1_000_000_000L / Bandwidth);
        return free;
    }

    /// <summary>Puts a crafted packet on the wire, arriving after the latency.</summary>
    public void Inject(bool toServer, byte[] packet) => _inFlight.Add((Now + Latency, toServer, packet));

    /// <summary>The server host crashes and comes back with an empty stack (same address, new ISN key).</summary>
    public void RestartServer(TcpSettings? settings = null)
    {
        Server = new NetStack(_serverAddress, settings ?? TcpSettings.Default, new SplitMix64Random(999));
        Server.AddObserver(ServerChecker);
        Server.AddObserver(ServerLog);
    }

    public void RunFor(Duration d) => RunUntil(() => false, Now + d);

    public void RunUntil(Instant limit) => RunUntil(() => false, limit);

    /// <summary>Advances virtual time event by event until <paramref name="done"/> holds or <paramref name="limit"/> is reached.</summary>
    public bool RunUntil(Func<bool> done, Instant limit)
    {
        for (int guard = 0; guard < 5_000_000; guard++)
        {
            PollBoth();
            if (done())
                return true;
            Instant next = Instant.Min(Client.NextDeadline, Server.NextDeadline);
            foreach (var p in _inFlight)
                next = Instant.Min(next, p.At);
            if (next > limit)
            {
                Now = limit;
                PollBoth();
                return done();
            }
            if (next > Now)
                Now = next;
            DeliverDue();
        }
        throw new InvalidOperationException("harness made no progress");
    }

    /// <summary>Runs until nothing is in flight and no timer is due before <paramref name="limit"/>.</summary>
    public void RunUntilIdle(Instant limit) => RunUntil(limit);

    public void Check()
    {
        ClientChecker.ThrowIfViolated();
        ServerChecker.ThrowIfViolated();
    }

    private void PollBoth()
    {
        Client.Poll(Now, _clientSink);
        Server.Poll(Now, _serverSink);
    }

    private void DeliverDue()
    {
        for (int i = 0; i < _inFlight.Count; i++)
        {
            var (at, toServer, packet) = _inFlight[i];
            if (at > Now)
                continue;
            _inFlight.RemoveAt(i);
            i--;
            (toServer ? Server : Client).Deliver(packet, Now);
        }
    }

    private sealed class Sink(TwoStacks h, bool fromClient) : IPacketSink
    {
        private static double Next(SplitMix64Random r) => (r.NextUInt64() >> 11) * (1.0 / (1UL << 53));

        private Duration Extra(SplitMix64Random r) => h.Jitter.Nanoseconds == 0 ? Duration.Zero : new Duration((long)(r.NextUInt64() % (ulong)h.Jitter.Nanoseconds));

        public void Send(ReadOnlySpan<byte> ipPacket)
        {
            var rec = SegmentRecord.Parse(h.Now, fromClient, ipPacket);
            h.Wire.Add(rec);
            if (h.DropRule?.Invoke(rec) == true)
            {
                h.Dropped.Add(rec);
                return;
            }
            var chaos = h.Chaos;
            if (chaos is not null)
            {
                if (Next(chaos) < h.LossRate)
                {
                    h.Dropped.Add(rec);
                    return;
                }
                if (Next(chaos) < h.DuplicateRate)
                    h._inFlight.Add((h.Now + h.Latency + Extra(chaos), fromClient, rec.Packet));
                h._inFlight.Add((h.Now + h.Latency + Extra(chaos), fromClient, rec.Packet));
                return;
            }
            h._inFlight.Add((h.Serialize(fromClient, ipPacket.Length) + h.Latency, fromClient, rec.Packet));
        }
    }
}
