using SynAck.Stack.Ip;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Stack;

public sealed partial class NetStack
{
    /// <summary>Queued ICMP messages between two polls, at most (beyond it they are counted and not sent).</summary>
    private const int IcmpQueueCapacity = 64;

    /// <summary>
    /// A packet for this host that is not TCP: ICMP is read (echo answered, errors passed to the TCP connection they
    /// quote); UDP and any other protocol are counted as <see cref="TcpDropReason.NotTcp"/> and answered with port or
    /// protocol unreachable, rate-limited.
    /// </summary>
    private void DeliverNotTcp(IpPacket ip, Instant now)
    {
        if (ip.Version == 4 && ip.Protocol == IpProtocol.Icmp)
        {
            DeliverIcmpV4(ip, now);
            return;
        }
        if (ip.Version == 6 && ip.Protocol == IpProtocol.IcmpV6)
        {
            DeliverIcmpV6(ip, now);
            return;
        }
        Counters.InDiscards++;
        Drop(now, TcpDropReason.NotTcp, default, wire: WireStatus.NotTcp);
        // RFC 8200 §4.7: No Next Header means nothing follows; there is nothing to refuse.
        if (!_ipSettings.SendUnreachables || ip.Protocol == IpProtocol.NoNextHeader || !IsUnicast(ip.Source))
            return;
        var packet = ip.Packet;
        if (ip.Version == 4)
        {
            // RFC 1122 §4.1.3.1 (UDP: port unreachable), §3.2.2.1 (another protocol: protocol unreachable).
            byte code = ip.Protocol == IpProtocol.Udp ? IcmpV4Packet.CodePortUnreachable : IcmpV4Packet.CodeProtocolUnreachable;
            QueueIcmpError(ip.Source, (byte)IcmpV4Type.DestinationUnreachable, code, 0, packet, now);
        }
        else if (ip.Protocol == IpProtocol.Udp)
        {
            QueueIcmpError(ip.Source, (byte)IcmpV6Type.DestinationUnreachable, IcmpV6Packet.CodePortUnreachable, 0, packet, now);
        }
        else
        {
            // RFC 8200 §4: an unrecognized Next Header is a parameter problem (code 1) pointing at that field.
            uint pointer = (uint)Ipv6HeaderChain.NextHeaderPosition(packet, ip.HeaderLength);
            QueueIcmpError(ip.Source, (byte)IcmpV6Type.ParameterProblem, 1, pointer, packet, now);
        }
    }

    private void DeliverIcmpV4(IpPacket ip, Instant now)
    {
        IpCounters.IcmpInMsgs++;
        if (IcmpV4Packet.TryParse(ip.Payload, out var icmp) != WireStatus.Ok)
        {
            IpCounters.IcmpInErrors++;
            Counters.InDiscards++;
            return;
        }
        switch (icmp.Type)
        {
            case IcmpV4Type.EchoRequest:
                IpCounters.IcmpInEchos++;
                // RFC 1122 §3.2.2.6: every host MUST answer an echo request, with the same identifier, sequence and data.
                if (_ipSettings.AnswerEcho && IsUnicast(ip.Source)
                    && TryReserveIcmp(ip.Source, false, IcmpV4Packet.HeaderLength + icmp.Data.Length, now, out var reply))
                {
                    IcmpV4Packet.WriteEcho(reply, true, icmp.Identifier, icmp.SequenceNumber, icmp.Data);
                    IpCounters.IcmpOutEchoReps++;
                    _icmpOut!.Commit();
                }
                return;
            case IcmpV4Type.DestinationUnreachable:
                IpCounters.IcmpInErrorMessages++;
                var kind = icmp.Code switch
                {
                    IcmpV4Packet.CodeFragmentationNeeded => IcmpErrorKind.PathMtu,
                    IcmpV4Packet.CodePortUnreachable or IcmpV4Packet.CodeProtocolUnreachable => IcmpErrorKind.Refused,
                    _ => IcmpErrorKind.Unreachable,
                };
                IcmpErrorToTcp(icmp.HasQuoted, icmp.Quoted, kind, icmp.Mtu, now);
                return;
            case IcmpV4Type.TimeExceeded:
            case IcmpV4Type.ParameterProblem:
                IpCounters.IcmpInErrorMessages++;
                IcmpErrorToTcp(icmp.HasQuoted, icmp.Quoted, IcmpErrorKind.Unreachable, 0, now);
                return;
            default:
                // Echo replies, and source quench (deprecated, RFC 6633) and redirects (a host on a TUN link has no
                // routes to change): nothing to do.
                return;
        }
    }

    private void DeliverIcmpV6(IpPacket ip, Instant now)
    {
        IpCounters.IcmpInMsgs++;
        if (IcmpV6Packet.TryParse(ip.Payload, ip.Source, ip.Destination, out var icmp) != WireStatus.Ok)
        {
            IpCounters.IcmpInErrors++;
            Counters.InDiscards++;
            return;
        }
        switch (icmp.Type)
        {
            case IcmpV6Type.EchoRequest:
                IpCounters.IcmpInEchos++;
                // RFC 4443 §4.1: every node MUST answer echo requests addressed to it.
                if (_ipSettings.AnswerEcho && IsUnicast(ip.Source)
                    && TryReserveIcmp(ip.Source, false, IcmpV6Packet.HeaderLength + icmp.Data.Length, now, out var reply))
                {
                    IcmpV6Packet.WriteEcho(reply, Address, ip.Source, true, icmp.Identifier, icmp.SequenceNumber, icmp.Data);
                    IpCounters.IcmpOutEchoReps++;
                    _icmpOut!.Commit();
                }
                return;
            case IcmpV6Type.PacketTooBig:
                IpCounters.IcmpInErrorMessages++;
                IcmpErrorToTcp(icmp.HasQuoted, icmp.Quoted, IcmpErrorKind.PathMtu, icmp.Mtu, now);
                return;
            case IcmpV6Type.DestinationUnreachable:
                IpCounters.IcmpInErrorMessages++;
                IcmpErrorToTcp(icmp.HasQuoted, icmp.Quoted,
                    icmp.Code == IcmpV6Packet.CodePortUnreachable ? IcmpErrorKind.Refused : IcmpErrorKind.Unreachable, 0, now);
                return;
            case IcmpV6Type.TimeExceeded:
            case IcmpV6Type.ParameterProblem:
                IpCounters.IcmpInErrorMessages++;
                IcmpErrorToTcp(icmp.HasQuoted, icmp.Quoted, IcmpErrorKind.Unreachable, 0, now);
                return;
            default:
                return;
        }
    }

    /// <summary>
    /// An ICMP error quoting a packet: when the quote is TCP from this host, RFC 5927 §4.1's checks decide — the
    /// 4-tuple must be a connection, and its sequence number in flight (checked by the connection). Each refusal is
    /// counted by reason.
    /// </summary>
    private void IcmpErrorToTcp(bool hasQuote, in QuotedIpPacket quote, IcmpErrorKind kind, int mtu, Instant now)
    {
        if (hasQuote && quote.Protocol != IpProtocol.Tcp)
            return; // about UDP or ICMP we sent (an echo reply, an unreachable): nothing holds state for it
        if (!hasQuote || !quote.HasSeq || quote.Source != Address)
        {
            Drop(now, TcpDropReason.IcmpBadQuote, default);
            return;
        }
        var id = new ConnectionId(quote.Source, quote.SourcePort, quote.Destination, quote.DestinationPort);
        if (!_connections.TryGetValue(id, out var c))
        {
            Drop(now, TcpDropReason.IcmpNoConnection, id);
            return;
        }
        var reason = c.IcmpErrorArrives(kind, mtu, quote.Seq, _ipSettings.MinIpv4PathMtu, now);
        if (reason != TcpDropReason.None)
            Drop(now, reason, id);
        Reschedule(c);
    }

    /// <summary>Queues an ICMP or ICMPv6 error of <paramref name="type"/>/<paramref name="code"/> quoting <paramref name="original"/>, rate-limited.</summary>
    private void QueueIcmpError(IpAddress to, byte type, byte code, uint rest, ReadOnlySpan<byte> original, Instant now)
    {
        int length = to.IsV6 ? IcmpV6Packet.ErrorLength(original) : IcmpV4Packet.ErrorLength(original);
        if (!TryReserveIcmp(to, true, length, now, out var message))
            return;
        if (to.IsV6)
        {
            switch ((IcmpV6Type)type)
            {
                case IcmpV6Type.DestinationUnreachable:
                    IcmpV6Packet.WriteDestinationUnreachable(message, Address, to, code, original);
                    IpCounters.IcmpOutDestUnreachs++;
                    break;
                case IcmpV6Type.ParameterProblem:
                    IcmpV6Packet.WriteParameterProblem(message, Address, to, code, rest, original);
                    IpCounters.IcmpOutDestUnreachs++;
                    break;
                default:
                    IcmpV6Packet.WriteTimeExceeded(message, Address, to, code, original);
                    IpCounters.IcmpOutTimeExcds++;
                    break;
            }
        }
        else if ((IcmpV4Type)type == IcmpV4Type.DestinationUnreachable)
        {
            IcmpV4Packet.WriteDestinationUnreachable(message, code, original);
            IpCounters.IcmpOutDestUnreachs++;
        }
        else
        {
            IcmpV4Packet.WriteTimeExceeded(message, code, original);
            IpCounters.IcmpOutTimeExcds++;
        }
        _icmpOut!.Commit();
    }

    /// <summary>
    /// Takes the rate limits (per destination for errors, then stack-wide) and reserves a whole IP packet in the
    /// output queue, writing its IP header; <paramref name="message"/> is where the ICMP message goes. The caller
    /// writes it and commits.
    /// </summary>
    private bool TryReserveIcmp(IpAddress to, bool isError, int messageLength, Instant now, out Span<byte> message)
    {
        message = default;
        _icmpLimiter ??= new IcmpRateLimiter(_ipSettings);
        if (isError && !_icmpLimiter.TryTakeHost(to, now))
        {
            IpCounters.IcmpOutRateLimitHost++;
            return false;
        }
        if (!_icmpLimiter.TryTakeGlobal(now))
        {
            IpCounters.IcmpOutRateLimitGlobal++;
            return false;
        }
        int header = to.IsV6 ? Ipv6Packet.FixedHeaderLength : Ipv4Packet.MinHeaderLength;
        if (header + messageLength > 65535 + (to.IsV6 ? header : 0))
            return false;
        _icmpOut ??= new IcmpOutQueue(IcmpQueueCapacity);
        if (!_icmpOut.TryReserve(header + messageLength, out var packet))
        {
            IpCounters.IcmpOutQueueFull++;
            return false;
        }
        if (to.IsV6)
            Ipv6Packet.WriteHeader(packet, Address, to, IpProtocol.IcmpV6, messageLength);
        else
            Ipv4Packet.WriteHeader(packet, new Ipv4HeaderFields { Source = Address, Destination = to, Protocol = IpProtocol.Icmp, Ttl = 64, Identification = NextIpv4Identification(to, IpProtocol.Icmp) }, messageLength);
        IpCounters.IcmpOutMsgs++;
        message = packet[header..];
        return true;
    }

    /// <summary>
    /// RFC 1122 §3.2.2 and RFC 4443 §2.4(e): no ICMP answer goes to an unspecified, broadcast or multicast source
    /// (it would reach many hosts or none).
    /// </summary>
    private static bool IsUnicast(IpAddress a)
    {
        Span<byte> b = stackalloc byte[16];
        int n = a.WriteTo(b);
        if (n == 4)
        {
            uint v = a.V4Value;
            return v != 0 && v != uint.MaxValue && (v >> 28) != 0xE && (v >> 28) != 0xF;
        }
        return b[0] != 0xFF && b.IndexOfAnyExcept((byte)0) >= 0;
    }
}
