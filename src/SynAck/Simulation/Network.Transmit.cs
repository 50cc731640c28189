using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Simulation;

public sealed partial class Network
{
    /// <summary>
    /// Puts a packet emitted by <paramref name="from"/> on the network at <see cref="Now"/>: route,
    /// scripted rules (not for injected packets), then the link's own behaviour.
    /// </summary>
    internal void Transmit(SimHost from, ReadOnlySpan<byte> packet, bool injected)
    {
        long id = ++_nextPacketId;
        SimHost? to = Route(packet);
        Emit(injected ? SimEventKind.Injected : SimEventKind.Sent, id, from, to, packet);
        if (to is null || !_links.TryGetValue((from.Index, to.Index), out var link))
        {
            Emit(SimEventKind.Dropped, id, from, to, packet, SimReason.NoRoute);
            return;
        }

        Duration ruleDelay = Duration.Zero;
        bool duplicate = false;
        if (!injected && _rules.Count > 0)
        {
            var view = new SimPacket(from, to, packet);
            foreach (var rule in _rules)
            {
                if (!rule.Apply(view))
                    continue;
                switch (rule.Action)
                {
                    case PacketAction.Drop:
                        Emit(SimEventKind.Dropped, id, from, to, packet, SimReason.Rule);
                        return;
                    case PacketAction.Delay:
                        ruleDelay += rule.Delay;
                        Emit(SimEventKind.Delayed, id, from, to, packet, SimReason.Rule, rule.Delay);
                        break;
                    case PacketAction.Duplicate:
                        duplicate = true;
                        break;
                }
            }
        }

        Carry(link, id, packet, ruleDelay);
        if (duplicate)
        {
            long copyId = ++_nextPacketId;
            Emit(SimEventKind.Duplicated, copyId, from, to, packet, SimReason.Rule, relatedId: id);
            Carry(link, copyId, packet, ruleDelay);
        }
    }

    /// <summary>The host owning the destination address of an IPv4 or IPv6 packet, or null.</summary>
    private SimHost? Route(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 1)
            return null;
        IpAddress dst;
        switch (packet[0] >> 4)
        {
            case 4 when packet.Length >= 20:
                dst = IpAddress.Read(packet.Slice(16, 4), isV6: false);
                break;
            case 6 when packet.Length >= 40:
                dst = IpAddress.Read(packet.Slice(24, 16), isV6: true);
                break;
            default:
                return null;
        }
        return _hostsByAddress.GetValueOrDefault(dst);
    }

    /// <summary>
    /// One direction of a link carrying one packet: MTU, queue, serialization, loss, latency and
    /// jitter (first-in first-out), corruption, reordering, duplication, in that order.
    /// </summary>
    private void Carry(SimLink link, long id, ReadOnlySpan<byte> packet, Duration extraDelay)
    {
        var p = link.Profile;
        var from = link.From;
        var to = link.To;
        if (p.Mtu > 0 && packet.Length > p.Mtu)
        {
            Emit(SimEventKind.Dropped, id, from, to, packet, SimReason.Mtu);
            if (p.SendsPacketTooBig)
                SendPacketTooBig(link, id, packet);
            return;
        }

        Instant sent = Now;
        if (p.BandwidthBitsPerSecond > 0)
        {
            if (p.QueueLimitBytes > 0 && link.BacklogBytes(Now) + packet.Length > p.QueueLimitBytes)
            {
                Emit(SimEventKind.Dropped, id, from, to, packet, SimReason.QueueFull);
                return;
            }
            // The packet starts when the transmitter is free and is on the wire once its last bit left.
            sent = Instant.Max(Now, link.BusyUntil) + link.SerializationTime(packet.Length);
            link.BusyUntil = sent;
        }

        var random = link.Random;
        if (random.Chance(p.Loss))
        {
            Emit(SimEventKind.Dropped, id, from, to, packet, SimReason.Loss);
            return;
        }

        Instant arrival = sent + p.Latency;
        if (p.Jitter > Duration.Zero)
            arrival += Duration.FromNanoseconds((long)random.NextBelow((ulong)p.Jitter.Nanoseconds + 1));
        arrival = Instant.Max(arrival, link.LastArrival);
        link.LastArrival = arrival;

        byte[] buffer = Rent(packet);
        if (random.Chance(p.Corruption))
            Corrupt(random, id, from, to, buffer.AsSpan(0, packet.Length));

        Duration hold = extraDelay;
        if (random.Chance(p.Reordering))
        {
            hold += p.ReorderDelay;
            Emit(SimEventKind.Delayed, id, from, to, packet, SimReason.Random, p.ReorderDelay);
        }
        arrival += hold;
        Schedule(arrival, new SimQueueItem { Kind = SimQueueItemKind.Arrival, Host = to, From = from, Buffer = buffer, Length = packet.Length, PacketId = id });

        if (random.Chance(p.Duplication))
        {
            long copyId = ++_nextPacketId;
            Emit(SimEventKind.Duplicated, copyId, from, to, packet, SimReason.Random, relatedId: id);
            byte[] copy = Rent(packet);
            if (random.Chance(p.Corruption))
                Corrupt(random, copyId, from, to, copy.AsSpan(0, packet.Length));
            Schedule(arrival, new SimQueueItem { Kind = SimQueueItemKind.Arrival, Host = to, From = from, Buffer = copy, Length = packet.Length, PacketId = copyId });
        }
    }

    /// <summary>
    /// What a router in front of a smaller MTU does with a packet it cannot forward: IPv4 with DF set gets ICMP
    /// fragmentation needed carrying the next-hop MTU (RFC 1191 §4), IPv6 gets packet too big (RFC 4443 §3.2; IPv6
    /// routers never fragment). The message comes from the far host's address and travels the reverse link. IPv4
    /// without DF, and ICMP errors themselves (RFC 1122 §3.2.2), get nothing.
    /// </summary>
    private void SendPacketTooBig(SimLink link, long id, ReadOnlySpan<byte> packet)
    {
        if (!_links.TryGetValue((link.To.Index, link.From.Index), out var back))
            return;
        var status = IpPacket.TryParse(packet, out var ip);
        if (status is not (WireStatus.Ok or WireStatus.Fragment) || IsIcmpError(ip))
            return;
        var router = link.To.Address;
        int mtu = link.Profile.Mtu;
        Span<byte> icmp = stackalloc byte[1280];
        int n;
        if (ip.Version == 4)
        {
            if ((packet[6] & 0x40) == 0)
                return;
            int length = IcmpV4Packet.ErrorLength(packet);
            IcmpV4Packet.WriteFragmentationNeeded(icmp[Ipv4Packet.MinHeaderLength..], (ushort)Math.Min(mtu, 65535), packet);
            n = Ipv4Packet.WriteHeader(icmp, new Ipv4HeaderFields { Source = router, Destination = ip.Source, Protocol = IpProtocol.Icmp, Ttl = 64 }, length) + length;
        }
        else
        {
            int length = IcmpV6Packet.ErrorLength(packet);
            IcmpV6Packet.WritePacketTooBig(icmp[Ipv6Packet.FixedHeaderLength..], router, ip.Source, (uint)mtu, packet);
            n = Ipv6Packet.WriteHeader(icmp, router, ip.Source, IpProtocol.IcmpV6, length) + length;
        }
        var message = icmp[..n];
        long icmpId = ++_nextPacketId;
        Emit(SimEventKind.Sent, icmpId, link.To, link.From, message, SimReason.Mtu, relatedId: id);
        Carry(back, icmpId, message, Duration.Zero);
    }

    private static bool IsIcmpError(IpPacket ip)
        => ip.Payload.Length > 0 && ((ip.Protocol == IpProtocol.Icmp && ip.Payload[0] is 3 or 4 or 5 or 11 or 12)
            || (ip.Protocol == IpProtocol.IcmpV6 && ip.Payload[0] < 128));

    private void Corrupt(Xoshiro256StarStar random, long id, SimHost from, SimHost to, Span<byte> data)
    {
        if (data.IsEmpty)
            return;
        int bit = (int)random.NextBelow((ulong)data.Length * 8);
        data[bit >> 3] ^= (byte)(1 << (bit & 7));
        Emit(SimEventKind.Corrupted, id, from, to, data, SimReason.Random);
    }

    private void Arrive(in SimQueueItem item)
    {
        var host = item.Host!;
        var packet = item.Buffer.AsSpan(0, item.Length);
        try
        {
            if (host.IsCrashed)
            {
                Emit(SimEventKind.Dropped, item.PacketId, item.From, host, packet, SimReason.Crash);
                return;
            }
            Emit(SimEventKind.Delivered, item.PacketId, item.From, host, packet);
            host.Endpoint.Deliver(packet, Now);
        }
        finally
        {
            Return(item.Buffer);
        }
        PollHost(host);
    }
}
