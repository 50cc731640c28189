using System.Buffers;
using SynAck.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Simulation;

/// <summary>
/// A deterministic simulated IP network: hosts (any <see cref="IPacketEndpoint"/>) joined by links
/// with latency, jitter, bandwidth, MTU, loss, duplication, reordering and corruption, driven by a
/// virtual clock. Everything random comes from one seed, and events at the same instant run in the
/// order they were scheduled, so a run replays bit for bit.
/// </summary>
/// <remarks>
/// Hosts are polled at their <see cref="IPacketEndpoint.NextDeadline"/>, after every packet delivered
/// to them, after every scripted action, and at the start of every Run call. Packets they emit are
/// routed by destination address to the host that owns it, over the link between the two hosts.
/// Single-threaded like the stacks it drives.
/// </remarks>
public sealed partial class Network
{
    /// <summary>Deadline polls of one host at one instant, with the host still due afterwards, before the run is declared stuck.</summary>
    internal const int MaxStuckPolls = 100_000;

    private readonly List<SimHost> _hosts = [];
    private readonly Dictionary<string, SimHost> _hostsByName = new(StringComparer.Ordinal);
    private readonly Dictionary<IpAddress, SimHost> _hostsByAddress = [];
    private readonly Dictionary<(int From, int To), SimLink> _links = [];
    private readonly PriorityQueue<SimQueueItem, SimQueueKey> _queue = new();
    private readonly List<ISimObserver> _observers = [];
    private readonly List<PacketRule> _rules = [];
    private long _nextSequence;
    private long _nextPacketId;

    /// <summary>Creates an empty network whose every random decision derives from <paramref name="seed"/>.</summary>
    public Network(ulong seed)
    {
        Seed = seed;
    }

    /// <summary>The seed this network was created with.</summary>
    public ulong Seed { get; }

    /// <summary>The virtual clock.</summary>
    public Instant Now { get; private set; }

    /// <summary>Totals by event kind and drop reason.</summary>
    public SimCounters Counters { get; } = new();

    /// <summary>The hosts in the order they were added.</summary>
    public IReadOnlyList<SimHost> Hosts => _hosts;

    /// <summary>The scripted rules in the order they were added.</summary>
    public IReadOnlyList<PacketRule> Rules => _rules;

    /// <summary>Events and actions still queued (packets in flight, scheduled scripts).</summary>
    public int PendingEvents => _queue.Count;

    /// <summary>Adds a host named <paramref name="name"/> owning <paramref name="address"/>, running <paramref name="endpoint"/>.</summary>
    public SimHost AddHost(string name, IpAddress address, IPacketEndpoint endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(endpoint);
        if (_hostsByName.ContainsKey(name))
            throw new ArgumentException($"a host named '{name}' already exists", nameof(name));
        if (_hostsByAddress.TryGetValue(address, out var owner))
            throw new ArgumentException($"{address} already belongs to host '{owner.Name}'", nameof(address));
        var host = new SimHost(this, _hosts.Count, name, address, endpoint);
        _hosts.Add(host);
        _hostsByName.Add(name, host);
        _hostsByAddress.Add(address, host);
        return host;
    }

    /// <summary>The host named <paramref name="name"/>.</summary>
    public SimHost Host(string name)
        => _hostsByName.TryGetValue(name, out var h) ? h : throw new ArgumentException($"no host named '{name}'", nameof(name));

    /// <summary>Joins two hosts with a link that treats both directions alike.</summary>
    public void Connect(string a, string b, LinkProfile profile) => Connect(a, b, profile, profile);

    /// <summary>Joins two hosts with a link whose directions may differ.</summary>
    public void Connect(string a, string b, LinkProfile aToB, LinkProfile bToA)
    {
        ArgumentNullException.ThrowIfNull(aToB);
        ArgumentNullException.ThrowIfNull(bToA);
        aToB.Validate();
        bToA.Validate();
        var ha = Host(a);
        var hb = Host(b);
        if (ha == hb)
            throw new ArgumentException("a link joins two different hosts");
        SetLink(ha, hb, aToB);
        SetLink(hb, ha, bToA);
    }

    /// <summary>Replaces the profile of the direction <paramref name="from"/> → <paramref name="to"/> (from now on).</summary>
    public void SetProfile(string from, string to, LinkProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        profile.Validate();
        var key = (Host(from).Index, Host(to).Index);
        if (!_links.TryGetValue(key, out var link))
            throw new ArgumentException($"no link from '{from}' to '{to}'");
        link.Profile = profile;
    }

    /// <summary>The profile of the direction <paramref name="from"/> → <paramref name="to"/>.</summary>
    public LinkProfile Profile(string from, string to)
        => _links.TryGetValue((Host(from).Index, Host(to).Index), out var link)
            ? link.Profile
            : throw new ArgumentException($"no link from '{from}' to '{to}'");

    /// <summary>Attaches an observer that sees every later event.</summary>
    public void AddObserver(ISimObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers.Add(observer);
    }

    /// <summary>
    /// Records the traffic from now on to <paramref name="stream"/> as pcapng (see <see cref="PcapNgTap"/>);
    /// dispose the returned tap to finish the file.
    /// </summary>
    public PcapNgTap WritePcapNg(Stream stream, string? host = null, bool leaveOpen = false)
    {
        if (host is not null)
            Host(host);
        var tap = new PcapNgTap(stream, host, leaveOpen);
        AddObserver(tap);
        return tap;
    }

    /// <summary>A random stream for a test or scenario, independent of the links' streams, derived from the seed and <paramref name="purpose"/>.</summary>
    public Xoshiro256StarStar CreateRandom(string purpose) => new(Xoshiro256StarStar.DeriveSeed(Seed, "user:" + purpose));

    private void SetLink(SimHost from, SimHost to, LinkProfile profile)
    {
        var key = (from.Index, to.Index);
        if (_links.TryGetValue(key, out var existing))
        {
            existing.Profile = profile;
            return;
        }
        var random = new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed(Seed, "link:" + from.Name + "->" + to.Name));
        _links.Add(key, new SimLink(from, to, profile, random));
    }

    private void Schedule(Instant at, in SimQueueItem item)
    {
        if (at < Now)
            at = Now;
        _queue.Enqueue(item, new SimQueueKey(at.Nanoseconds, _nextSequence++));
    }

    private void Emit(SimEventKind kind, long packetId, SimHost? from, SimHost? to, ReadOnlySpan<byte> packet,
        SimReason reason = SimReason.None, Duration delay = default, long relatedId = 0)
    {
        var e = new SimEvent(kind, Now, packetId, from?.Name, to?.Name, reason, delay, packet.Length, relatedId);
        Counters.Count(e);
        foreach (var o in _observers)
            o.OnEvent(e, packet);
    }

    private static byte[] Rent(ReadOnlySpan<byte> packet)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(packet.Length, 1));
        packet.CopyTo(buffer);
        return buffer;
    }

    private static void Return(byte[]? buffer)
    {
        if (buffer is not null)
            ArrayPool<byte>.Shared.Return(buffer);
    }
}
