using SynAck.Time;

namespace SynAck.Stack;

/// <summary>
/// The IP and ICMP knobs of one <see cref="NetStack"/>: fragment reassembly bounds and ICMP rate limits. Defaults are
/// Linux's sysctls of the same meaning (named per setting), so that a hostile peer can hold only bounded memory and
/// draw only bounded output.
/// </summary>
public sealed class IpSettings
{
    /// <summary>The defaults.</summary>
    public static IpSettings Default { get; } = new();

    /// <summary>
    /// Bytes all datagrams under reassembly may hold together (Linux <c>ipfrag_high_thresh</c>, 4 MiB). A fragment
    /// that would need more is dropped, with the datagram it belongs to, and counted in
    /// <see cref="Diagnostics.IpCounters.ReasmOverBudget"/>.
    /// </summary>
    public int ReassemblyBudgetBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How long an IPv4 datagram may take to be reassembled from its first fragment (Linux <c>ipfrag_time</c>, 30 s; RFC 791 suggests 15 s).</summary>
    public Duration Ipv4ReassemblyTimeout { get; init; } = Duration.FromSeconds(30);

    /// <summary>How long an IPv6 datagram may take to be reassembled (RFC 8200 §4.5: 60 s; Linux <c>ip6frag_time</c>).</summary>
    public Duration Ipv6ReassemblyTimeout { get; init; } = Duration.FromSeconds(60);

    /// <summary>Answer ICMP and ICMPv6 echo requests (RFC 1122 §3.2.2.6 MUST; Linux <c>icmp_echo_ignore_all</c> = 0).</summary>
    public bool AnswerEcho { get; init; } = true;

    /// <summary>
    /// Send port unreachable for UDP and protocol unreachable (IPv6: parameter problem, unrecognized next header)
    /// for protocols this stack does not serve (RFC 1122 §3.2.2.1, §4.1.3.1; RFC 8200 §4).
    /// </summary>
    public bool SendUnreachables { get; init; } = true;

    /// <summary>
    /// Per destination, one ICMP error per this interval on average (Linux <c>icmp_ratelimit</c>, 1000 ms; RFC 1812
    /// §4.3.2.8, RFC 4443 §2.4(f)), with a burst of <see cref="IcmpRateBurst"/>.
    /// </summary>
    public Duration IcmpRateLimit { get; init; } = Duration.FromMilliseconds(1000);

    /// <summary>ICMP errors one destination may draw at once before <see cref="IcmpRateLimit"/> spaces them (Linux's XRLIM_BURST_FACTOR, 6).</summary>
    public int IcmpRateBurst { get; init; } = 6;

    /// <summary>
    /// ICMP messages the whole stack sends per second at most (Linux <c>icmp_msgs_per_sec</c>, 1000), with a burst of
    /// <see cref="IcmpMessagesBurst"/> (Linux <c>icmp_msgs_burst</c>, 50). Linux exempts echo replies through
    /// <c>icmp_ratemask</c>; SynAck counts them here too, so a ping flood draws bounded output.
    /// </summary>
    public int IcmpMessagesPerSecond { get; init; } = 1000;

    /// <summary>The burst of the stack-wide ICMP bucket (Linux <c>icmp_msgs_burst</c>, 50).</summary>
    public int IcmpMessagesBurst { get; init; } = 50;

    /// <summary>
    /// The smallest IPv4 path MTU an ICMP fragmentation needed may set (Linux <c>min_pmtu</c>, 552): a forged tiny MTU
    /// cannot make a connection crawl in 12-byte segments. IPv6 never goes below 1280 (RFC 8200 §5).
    /// </summary>
    public int MinIpv4PathMtu { get; init; } = 552;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a value no stack can run with.</summary>
    public void Validate()
    {
        static void Require(bool ok, string name, object value)
        {
            if (!ok)
                throw new ArgumentOutOfRangeException(name, value, $"invalid IP setting {name}");
        }

        Require(ReassemblyBudgetBytes >= 0, nameof(ReassemblyBudgetBytes), ReassemblyBudgetBytes);
        Require(Ipv4ReassemblyTimeout > Duration.Zero, nameof(Ipv4ReassemblyTimeout), Ipv4ReassemblyTimeout);
        Require(Ipv6ReassemblyTimeout > Duration.Zero, nameof(Ipv6ReassemblyTimeout), Ipv6ReassemblyTimeout);
        Require(IcmpRateLimit >= Duration.Zero, nameof(IcmpRateLimit), IcmpRateLimit);
        Require(IcmpRateBurst > 0, nameof(IcmpRateBurst), IcmpRateBurst);
        Require(IcmpMessagesPerSecond >= 0, nameof(IcmpMessagesPerSecond), IcmpMessagesPerSecond);
        Require(IcmpMessagesBurst > 0, nameof(IcmpMessagesBurst), IcmpMessagesBurst);
        Require(MinIpv4PathMtu >= 68 && MinIpv4PathMtu <= 65535, nameof(MinIpv4PathMtu), MinIpv4PathMtu);
    }
}
