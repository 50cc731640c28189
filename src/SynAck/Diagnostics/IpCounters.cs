namespace SynAck.Diagnostics;

/// <summary>
/// A stack's IP and ICMP counters, named after IP-MIB and ICMP-MIB (RFC 4293 <c>ipReasmReqds</c>,
/// <c>icmpOutEchoReps</c> …) and Linux's extra ones where the MIB has none. Read them at any time.
/// </summary>
public sealed class IpCounters
{
    /// <summary>Fragments received that needed reassembly (ipReasmReqds).</summary>
    public long ReasmReqds { get; internal set; }

    /// <summary>Datagrams reassembled (ipReasmOKs).</summary>
    public long ReasmOKs { get; internal set; }

    /// <summary>Datagrams given up, any reason (ipReasmFails).</summary>
    public long ReasmFails { get; internal set; }

    /// <summary>Of <see cref="ReasmFails"/>: the reassembly time ran out (Linux ReasmTimeout).</summary>
    public long ReasmTimeout { get; internal set; }

    /// <summary>Of <see cref="ReasmFails"/>: a fragment overlapped one already held (RFC 5722; Linux ReasmOverlaps).</summary>
    public long ReasmOverlaps { get; internal set; }

    /// <summary>Fragments dropped, with their datagram, because the reassembly budget was full (Linux ipfrag_high_thresh).</summary>
    public long ReasmOverBudget { get; internal set; }

    /// <summary>Fragments malformed: a non-last one not a multiple of 8 bytes, past 65,535 bytes, or inconsistent with the last.</summary>
    public long ReasmMalformed { get; internal set; }

    /// <summary>Fragments that repeated one already held, byte for byte, and were ignored.</summary>
    public long ReasmDuplicates { get; internal set; }

    /// <summary>Bytes held now by datagrams under reassembly.</summary>
    public long ReasmBytes { get; internal set; }

    /// <summary>Datagrams under reassembly now.</summary>
    public long ReasmDatagrams { get; internal set; }

    /// <summary>ICMP and ICMPv6 messages received for this host (icmpInMsgs).</summary>
    public long IcmpInMsgs { get; internal set; }

    /// <summary>ICMP messages received that did not parse or verify (icmpInErrors).</summary>
    public long IcmpInErrors { get; internal set; }

    /// <summary>Echo requests received (icmpInEchos).</summary>
    public long IcmpInEchos { get; internal set; }

    /// <summary>Destination unreachable, packet too big, time exceeded and parameter problem received (icmpInDestUnreachs and kin).</summary>
    public long IcmpInErrorMessages { get; internal set; }

    /// <summary>ICMP messages sent (icmpOutMsgs).</summary>
    public long IcmpOutMsgs { get; internal set; }

    /// <summary>Echo replies sent (icmpOutEchoReps).</summary>
    public long IcmpOutEchoReps { get; internal set; }

    /// <summary>Destination unreachable (IPv6 also parameter problem) sent (icmpOutDestUnreachs, icmpOutParmProbs).</summary>
    public long IcmpOutDestUnreachs { get; internal set; }

    /// <summary>Time exceeded (fragment reassembly) sent (icmpOutTimeExcds).</summary>
    public long IcmpOutTimeExcds { get; internal set; }

    /// <summary>ICMP messages not sent because the stack-wide bucket was empty (Linux IcmpOutRateLimitGlobal).</summary>
    public long IcmpOutRateLimitGlobal { get; internal set; }

    /// <summary>ICMP errors not sent because the destination's bucket was empty (Linux IcmpOutRateLimitHost).</summary>
    public long IcmpOutRateLimitHost { get; internal set; }

    /// <summary>ICMP messages not sent because the output queue between two polls was full.</summary>
    public long IcmpOutQueueFull { get; internal set; }

    /// <summary>Accepted ICMP errors that lowered a connection's path MTU (RFC 1191, RFC 8201).</summary>
    public long PathMtuLowered { get; internal set; }

    /// <summary>Accepted ICMP errors recorded as soft errors on a synchronized connection (RFC 1122 §4.2.3.9).</summary>
    public long IcmpSoftErrors { get; internal set; }

    /// <summary>Connection attempts ended by an accepted ICMP error in SYN-SENT or SYN-RECEIVED (as Linux).</summary>
    public long IcmpHardErrors { get; internal set; }
}
