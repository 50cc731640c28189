using SynAck.Stack;
using SynAck.Time;

namespace SynAck.Simulation;

public sealed partial class Network
{
    /// <summary>Adds a scripted rule; rules are tried in the order added. Returns the rule so a test can read its counts.</summary>
    public PacketRule AddRule(PacketRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        _rules.Add(rule);
        return rule;
    }

    /// <summary>Removes a rule added earlier.</summary>
    public bool RemoveRule(PacketRule rule) => _rules.Remove(rule);

    /// <summary>
    /// Runs <paramref name="action"/> at virtual time <paramref name="at"/> (for example a user call on
    /// a stack); every host is polled right after it. Actions at one instant run in the order scheduled.
    /// </summary>
    public void At(Instant at, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Schedule(at, new SimQueueItem { Kind = SimQueueItemKind.Action, Action = action });
    }

    /// <summary>
    /// Puts a crafted packet on the network at <paramref name="at"/> as if host <paramref name="from"/>
    /// had sent it: routed by its destination address and carried by the link (with the link's random
    /// behaviour), but not subject to scripted rules.
    /// </summary>
    public void InjectAt(Instant at, string from, ReadOnlySpan<byte> packet)
    {
        var host = Host(from);
        Schedule(at, new SimQueueItem { Kind = SimQueueItemKind.Transmit, Host = host, Buffer = packet.ToArray(), Length = packet.Length });
    }

    /// <summary>
    /// Hands a crafted packet straight to host <paramref name="to"/> at <paramref name="at"/>, with no
    /// link in between (it still vanishes if the host is down then).
    /// </summary>
    public void DeliverAt(Instant at, string to, ReadOnlySpan<byte> packet)
    {
        var host = Host(to);
        long id = ++_nextPacketId;
        Schedule(at, new SimQueueItem { Kind = SimQueueItemKind.Arrival, Host = host, Buffer = Rent(packet), Length = packet.Length, PacketId = id });
    }

    /// <summary>Crashes host <paramref name="name"/> at <paramref name="at"/>.</summary>
    public void CrashAt(Instant at, string name)
        => Schedule(at, new SimQueueItem { Kind = SimQueueItemKind.Crash, Host = Host(name) });

    /// <summary>Restarts host <paramref name="name"/> at <paramref name="at"/> running <paramref name="endpoint"/> (a fresh stack, with no memory of the old one).</summary>
    public void RestartAt(Instant at, string name, IPacketEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Schedule(at, new SimQueueItem { Kind = SimQueueItemKind.Restart, Host = Host(name), Endpoint = endpoint });
    }

    /// <summary>Crashes host <paramref name="name"/> now: it is no longer polled and packets to it vanish (packets already on the wire from it still arrive).</summary>
    public void Crash(string name)
    {
        var host = Host(name);
        if (host.IsCrashed)
            return;
        host.IsCrashed = true;
        Emit(SimEventKind.HostCrashed, 0, host, null, []);
    }

    /// <summary>Restarts host <paramref name="name"/> now with <paramref name="endpoint"/> and polls it.</summary>
    public void Restart(string name, IPacketEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var host = Host(name);
        host.Endpoint = endpoint;
        host.IsCrashed = false;
        host.StuckPolls = 0;
        Emit(SimEventKind.HostRestarted, 0, host, null, []);
        PollHost(host);
    }
}
