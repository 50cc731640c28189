using SynAck.Tcp.Congestion;
using SynAck.Time;

namespace SynAck.Tcp;

/// <summary>
/// The knobs of one <see cref="Stack.NetStack"/>. Defaults follow RFC 9293 and its companions, with Linux's
/// choices where the RFCs leave room (noted per setting). Memory bounds (buffers, backlog, TIME-WAIT table)
/// are settings too, so that hostile input can never grow the stack without limit.
/// </summary>
public sealed class TcpSettings
{
    /// <summary>The defaults.</summary>
    public static TcpSettings Default { get; } = new();

    /// <summary>Maximum segment lifetime. TIME-WAIT lasts 2 × MSL (RFC 9293 §3.4.2). Default 30 s, so 60 s like Linux.</summary>
    public Duration Msl { get; init; } = Duration.FromSeconds(30);

    /// <summary>SYN retransmissions before an active open fails with <see cref="TcpError.TimedOut"/> (Linux <c>tcp_syn_retries</c>, 6).</summary>
    public int SynRetries { get; init; } = 6;

    /// <summary>SYN-ACK retransmissions before a half-open passive connection is dropped (Linux <c>tcp_synack_retries</c>, 5).</summary>
    public int SynAckRetries { get; init; } = 5;

    /// <summary>
    /// Retransmissions of data or FIN (and zero-window probes without answer) before the connection fails with
    /// <see cref="TcpError.TimedOut"/> (Linux <c>tcp_retries2</c>, 15; RFC 1122 §4.2.3.5 R2).
    /// </summary>
    public int DataRetries { get; init; } = 15;

    /// <summary>RTO before any RTT sample (RFC 6298 §2.1: 1 s).</summary>
    public Duration InitialRto { get; init; } = Duration.FromSeconds(1);

    /// <summary>
    /// Lower bound of the RTO. RFC 6298 §2.4 says 1 s; SynAck follows Linux's 200 ms (as RFC 6298 allows an
    /// implementation to choose), since on fast paths a 1 s floor turns every loss into a long stall.
    /// </summary>
    public Duration MinRto { get; init; } = Duration.FromMilliseconds(200);

    /// <summary>
    /// How <see cref="MinRto"/> bounds the RTO. True (the default, as Linux, whose tcp_rtt_estimator never lets the
    /// variance term fall below tcp_rto_min): RTO = SRTT + max(4·RTTVAR, MinRto), so the timer always allows one round
    /// trip plus MinRto, and a receiver's delayed ACK (up to 200 ms on Linux) answering a probe or a lone segment does
    /// not make it fire. False: RFC 6298 §2.3–2.4 exactly, RTO = max(SRTT + max(G, 4·RTTVAR), MinRto).
    /// </summary>
    public bool MinRtoAboveSrtt { get; init; } = true;

    /// <summary>
    /// RFC 3465's L: in slow start one ACK grows cwnd by the bytes it acknowledged, but by at most this many segments.
    /// Default 2 (RFC 3465 §2.2, which RFC 5681 §3.1 allows), so a stretch ACK cannot release a burst; 0 counts every
    /// segment acknowledged, as Linux's tcp_slow_start does (the packetdrill runner uses 0).
    /// </summary>
    public int SlowStartAckLimit { get; init; } = 2;

    /// <summary>Upper bound of the RTO after backoff (Linux <c>TCP_RTO_MAX</c>, 120 s; RFC 6298 §2.5 allows ≥ 60 s).</summary>
    public Duration MaxRto { get; init; } = Duration.FromSeconds(120);

    /// <summary>Delayed-ACK timeout (RFC 1122 §4.2.3.2: under 0.5 s; RFC 9293 §3.8.6.3: at most 200 ms recommended). Default 40 ms like Linux's minimum.</summary>
    public Duration DelayedAckTimeout { get; init; } = Duration.FromMilliseconds(40);

    /// <summary>Whether ACKs are delayed at all. When true an ACK still goes out for at least every second full-sized segment.</summary>
    public bool DelayedAck { get; init; } = true;

    /// <summary>
    /// Whether a delayed ACK that waits for a short segment (less than a full one: the end of a write) goes as soon as
    /// the application has read everything received, unless the connection is interactive (it answered the peer's
    /// data with data of its own; a delayed-ACK timeout that fires ends that, as it would not in a request/response
    /// exchange). Linux does this (<c>tcp_cleanup_rbuf</c> with <c>ICSK_ACK_PUSHED</c>). Why: the end of a transfer
    /// is then acknowledged a round trip after it was sent, not 40 ms later, so the sender's tail loss probe
    /// (<see cref="LossProbeLearnsAckDelay"/>) does not fire needlessly, and a Nagle sender with more small data waits
    /// one round trip instead of the delayed-ACK timeout; a request that the application answers at once still has its
    /// ACK carried by the answer. Default true.
    /// </summary>
    public bool AckPushedOnRead { get; init; } = true;

    /// <summary>Nagle's algorithm (RFC 9293 §3.7.4) for new connections; each connection can switch it with <c>SetNoDelay</c>.</summary>
    public bool Nagle { get; init; } = true;

    /// <summary>Link MTU. The MSS we announce is MTU − 40 for IPv4 and MTU − 60 for IPv6 (RFC 9293 §3.7.1).</summary>
    public int Mtu { get; init; } = 1500;

    /// <summary>
    /// Send buffer capacity in bytes per connection; it bounds the bytes in flight, so with window scaling it should
    /// match the bandwidth-delay product of the path. Default 256 KiB.
    /// </summary>
    public int SendBufferSize { get; init; } = 256 * 1024;

    /// <summary>
    /// Receive buffer capacity in bytes per connection: the largest window we offer. Without window scaling
    /// (switched off here or not offered by the peer) the offered window is capped at 65,535. Default 256 KiB.
    /// </summary>
    public int ReceiveBufferSize { get; init; } = 256 * 1024;

    /// <summary>
    /// Most bytes the stack's send and receive buffers may hold together (0: no limit). Buffers take memory only while
    /// they hold data; a receive window is offered only as far as this budget can store it.
    /// </summary>
    public long BufferPoolLimit { get; init; }

    /// <summary>
    /// RFC 7323 §2 window scaling: offer a shift on our SYN (or SYN-ACK, when the peer's SYN offered one) so that
    /// windows above 65,535 bytes can be announced. Used only when both sides offer it. Default on, like Linux.
    /// </summary>
    public bool WindowScaling { get; init; } = true;

    /// <summary>
    /// RFC 7323 §3 timestamps: offer the option on our SYN; when both sides offer it, every segment carries one, RTT is
    /// measured from the echoed value (§4.1) and old duplicates are dropped by PAWS (§5). Default on, like Linux.
    /// </summary>
    public bool Timestamps { get; init; } = true;

    /// <summary>
    /// RFC 2018 selective acknowledgment: offer SACK-permitted on our SYN; when both sides do, the receiver reports
    /// the out-of-order data it holds and the sender retransmits only the holes (RFC 6675). Default on, like Linux.
    /// </summary>
    public bool Sack { get; init; } = true;

    /// <summary>
    /// RFC 4987 §3.6 SYN cookies: when a listener's backlog is full, answer a SYN with a SYN-ACK whose ISS encodes the
    /// connection (MSS and a keyed hash) instead of dropping it, and create the connection when a valid ACK returns the
    /// cookie. Such connections negotiate no window scaling, SACK or timestamps. Default on, like Linux.
    /// </summary>
    public bool SynCookies { get; init; } = true;

    /// <summary>
    /// Answer every SYN with a cookie, not only when the backlog is full (Linux <c>tcp_syncookies=2</c>, meant for
    /// testing): nothing is kept for a SYN until its ACK returns the cookie. Needs <see cref="SynCookies"/>. Default off.
    /// </summary>
    public bool SynCookiesAlways { get; init; }

    // ---- Congestion control and loss recovery (issue 11) ----

    /// <summary>
    /// The congestion control algorithm of new connections (each can switch with <c>SetCongestionControl</c> before
    /// sending). Default CUBIC with HyStart++ (RFC 9438, RFC 9406), like Linux.
    /// </summary>
    public CongestionAlgorithm CongestionControl { get; init; } = CongestionAlgorithm.Cubic;

    /// <summary>
    /// RFC 5681 §4.1: after sending nothing for longer than the RTO, restart from the initial window (Linux
    /// <c>tcp_slow_start_after_idle</c>, on by default).
    /// </summary>
    public bool SlowStartAfterIdle { get; init; } = true;

    /// <summary>
    /// RFC 8985 RACK with SACK: a hole below SACKed data is lost once a reordering window (min RTT / 4) has passed, not
    /// only after three duplicate ACKs, and a retransmission overtaken by later delivered data is lost once RTT +
    /// reordering window has passed since it went. Default on, like Linux (<c>tcp_recovery</c> 1).
    /// </summary>
    public bool Rack { get; init; } = true;

    /// <summary>
    /// RFC 8985 §7 tail loss probe (with SACK): when no ACK comes for about two round trips, one segment goes (new data,
    /// or the last one again), so a loss at the tail of a flight is found by SACK rather than by the RTO. Default on, like
    /// Linux (<c>tcp_early_retrans</c> 3).
    /// </summary>
    public bool TailLossProbe { get; init; } = true;

    /// <summary>
    /// RFC 9937 Proportional Rate Reduction in SACK recovery (which obsoletes RFC 6937): what is sent during recovery
    /// follows what the ACKs report delivered, scaled by ssthresh over the flight at the loss, rather than nothing until
    /// pipe falls below cwnd and then a burst; below ssthresh the conservative bound, with the slow-start bound's extra
    /// segment only on an ACK that advances SND.UNA and shows no further loss. Default on, like Linux.
    /// </summary>
    public bool ProportionalRateReduction { get; init; } = true;

    /// <summary>
    /// RFC 8985 §7.2 WCDelAckT: the longest the peer is assumed to hold the ACK of a lone segment. When only one
    /// segment is in flight the probe timeout is 2·SRTT plus this (otherwise 2·SRTT plus 2 ms), and never later than the
    /// RTO would fire. Default 200 ms, the RFC's recommendation and Linux's (<c>tcp_rto_min</c>); with a 200 ms minimum
    /// RTO that puts a lone tail's probe at the RTO's time. By default it is added only after the peer has shown that
    /// it holds the ACK of a lone segment (<see cref="LossProbeLearnsAckDelay"/>).
    /// </summary>
    public Duration LossProbeAckDelay { get; init; } = Duration.FromMilliseconds(200);

    /// <summary>
    /// Whether <see cref="LossProbeAckDelay"/> is added for a lone segment only once the peer has shown that it holds
    /// such an ACK. With true (the default) a connection probes a lone segment 2·SRTT + 2 ms after the last ACK, like any
    /// other tail, until a probe of a lone segment turns out needless (its D-SACK, or the ACK of the original arriving
    /// after the probe left, says the original had arrived and its ACK was being held); from then on it waits the
    /// extra WCDelAckT. With false every lone segment gets it, as RFC 8985 §7.2 allows ("MAY") and Linux does (it adds
    /// <c>tcp_rto_min</c> when one packet is out), which puts the probe of a lost last segment at the RTO's time.
    /// Why: a lost last segment is the commonest tail loss (a response that ends in one segment) and the one that waited
    /// longest; a receiver that ACKs promptly (Linux's quick-ACK mode at the start of a connection, any receiver when
    /// the round trip exceeds its delayed-ACK time) costs nothing, and one that delays its ACKs costs one needless
    /// segment per connection, answered by a D-SACK that does not reduce the window (RFC 8985 §7.4).
    /// </summary>
    public bool LossProbeLearnsAckDelay { get; init; } = true;

    /// <summary>
    /// How many segments a tail loss probe carries. 1 is RFC 8985 §7.3's probe (and Linux's): one new segment when the
    /// windows allow, otherwise the last segment sent again. With 2 (the default) the last segment sent goes again first,
    /// followed by one new segment; with nothing new to send it is RFC 8985's probe.
    /// Why: a probe usually follows a flight whose every ACK was lost (a receiver that acknowledges a whole burst or a
    /// whole read at once sends one ACK per flight). The receiver then holds everything, and a lone new segment is an
    /// ACK it may delay (RFC 1122 §4.2.3.2; Linux 40 ms) — and when that single ACK is lost too, the RTO fires. A segment
    /// the receiver already holds is answered at once by every receiver (RFC 9293 §3.10.7.4: an unacceptable segment
    /// is acknowledged; RFC 5681 §4.2; Linux also leaves delayed-ACK mode), with a D-SACK (RFC 2883) saying it was a
    /// duplicate; the new segment behind it draws a second ACK, so losing one answer no longer costs a timeout.
    /// If the probe's retransmission is not reported as a duplicate, it repaired a real loss and the window is reduced
    /// (RFC 8985 §7.4). The price is one needless segment per probe that follows lost ACKs.
    /// </summary>
    public int LossProbeSegments { get; init; } = 2;

    /// <summary>
    /// Out-of-order byte ranges held per connection for reassembly; a segment that would need more is dropped. The bytes
    /// are bounded by the receive window whatever this is; the ranges' table grows as holes appear (8 first). Default
    /// 1024: a drop-tail queue overflowing in slow start leaves a hole every other segment, hundreds per window on a long
    /// fat path, and Linux keeps every island its receive buffer can hold.
    /// </summary>
    public int MaxOutOfOrderRanges { get; init; } = 1024;

    /// <summary>FIN-WAIT-2 timeout for connections the application has fully closed (Linux <c>tcp_fin_timeout</c>, 60 s).</summary>
    public Duration FinWait2Timeout { get; init; } = Duration.FromSeconds(60);

    /// <summary>Upper bound of the persist timer (zero-window probe) interval.</summary>
    public Duration MaxPersist { get; init; } = Duration.FromSeconds(60);

    /// <summary>
    /// Challenge ACKs (RFC 5961 §3.2, §4.2) sent per second for the whole stack, on average (RFC 5961 §7): each second's
    /// budget is drawn between half and one and a half times this, as Linux does (CVE-2016-5696). 0 sends none.
    /// </summary>
    public int ChallengeAckLimit { get; init; } = 1000;

    /// <summary>Entries the TIME-WAIT table holds at most (Linux <c>tcp_max_tw_buckets</c>); beyond it a closing connection skips TIME-WAIT.</summary>
    public int MaxTimeWait { get; init; } = 262_144;

    /// <summary>Full connections the stack holds at most; SYNs beyond it are dropped.</summary>
    public int MaxConnections { get; init; } = 65_536;

    /// <summary>
    /// At most this many connections closed by the application may still be finishing their close (FIN-WAIT-1/2,
    /// CLOSING, LAST-ACK): past it a CLOSE resets the connection instead, counted in
    /// <see cref="Diagnostics.TcpCounters.OrphanOverflow"/> (Linux's <c>tcp_max_orphans</c>; 0 = no limit).
    /// </summary>
    public int MaxOrphans { get; init; } = 131_072;

    /// <summary>Lowest ephemeral port (Linux <c>ip_local_port_range</c> starts at 32768).</summary>
    public ushort EphemeralPortMin { get; init; } = 32768;

    /// <summary>Highest ephemeral port (Linux <c>ip_local_port_range</c> ends at 60999).</summary>
    public ushort EphemeralPortMax { get; init; } = 60999;

    /// <summary>
    /// DEMONSTRATION ONLY — breaks TCP on purpose. The active closer goes straight to CLOSED instead of
    /// TIME-WAIT and forgets the 4-tuple, so a retransmitted FIN is answered with RST and a delayed old segment
    /// can land in a new connection on the same 4-tuple. Exists to show why TIME-WAIT exists; never use it otherwise.
    /// </summary>
    public bool DemoSkipTimeWait { get; init; }

    /// <summary>
    /// DEMONSTRATION ONLY — breaks TCP on purpose. The passive side counts a connection established on the SYN
    /// alone (a two-way handshake) and accepts data for it, so an old duplicate SYN creates a connection nobody
    /// wants. Exists to show why the handshake has three steps; never use it otherwise.
    /// </summary>
    public bool DemoTwoWayHandshake { get; init; }

    // ---- Invalid-segment ACKs, keep-alive, user timeout ----

    /// <summary>
    /// Per connection, at most one ACK per this interval answers invalid segments without data: out of window, PAWS
    /// rejects, TIME-WAIT duplicates, and challenge ACKs (RFC 5961 §7) before the stack-wide limit (Linux
    /// <c>tcp_invalid_ratelimit</c>, 500 ms). Zero switches the per-connection limit off.
    /// </summary>
    public Duration InvalidAckInterval { get; init; } = Duration.FromMilliseconds(500);

    /// <summary>
    /// Keep-alive for new connections (RFC 1122 §4.2.3.6: off unless asked for; each connection can switch it with
    /// <see cref="Stack.NetStack.SetKeepAlive(Stack.TcpHandle, bool, Instant)"/>). When on, a connection idle for
    /// <see cref="KeepAliveIdle"/> sends a probe every <see cref="KeepAliveInterval"/>, and fails with
    /// <see cref="TcpError.TimedOut"/> after <see cref="KeepAliveProbes"/> go unanswered.
    /// </summary>
    public bool KeepAlive { get; init; }

    /// <summary>Idle time before the first keep-alive probe (RFC 1122 §4.2.3.6: no less than two hours by default; Linux <c>tcp_keepalive_time</c>).</summary>
    public Duration KeepAliveIdle { get; init; } = Duration.FromSeconds(7200);

    /// <summary>
    /// Time between unanswered keep-alive probes (Linux <c>tcp_keepalive_intvl</c>, 75 s). A peer answers a probe at most
    /// once per its invalid-segment limit (<see cref="InvalidAckInterval"/>; 500 ms on Linux too), so shorter intervals
    /// than that make a live peer look dead.
    /// </summary>
    public Duration KeepAliveInterval { get; init; } = Duration.FromSeconds(75);

    /// <summary>Unanswered keep-alive probes before the connection fails (Linux <c>tcp_keepalive_probes</c>, 9).</summary>
    public int KeepAliveProbes { get; init; } = 9;

    /// <summary>
    /// RFC 5482 USER TIMEOUT for new connections: how long sent data (or a SYN or FIN) may stay unacknowledged, with no
    /// advance of SND.UNA, before the connection fails with <see cref="TcpError.TimedOut"/>; it also bounds keep-alive
    /// probing (as Linux's <c>TCP_USER_TIMEOUT</c>). <see cref="Duration.Zero"/> (the default): none, the retry counts decide.
    /// </summary>
    public Duration UserTimeout { get; init; }

    /// <summary>
    /// Acknowledge at once, instead of delaying the ACK, every data segment while what the connection has received fits
    /// in this many full-sized segments (our MSS each), as Linux's quick-ACK mode does at the start of a connection (it
    /// allows 16 segments): the sender's slow start then sees its ACKs a delayed-ACK timeout earlier. RFC 9293 §3.8.6.3 lets a receiver acknowledge at once; delaying is the SHOULD.
    /// 0 (the default): every segment follows the delayed-ACK rule.
    /// </summary>
    public int QuickAckSegments { get; init; }

    /// <summary>Whether any demonstration switch is on (observers then accept the demonstration-only transitions).</summary>
    public bool AnyDemonstration => DemoSkipTimeWait || DemoTwoWayHandshake;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a value no stack can run with.</summary>
    public void Validate()
    {
        static void Require(bool ok, string name, object value)
        {
            if (!ok)
                throw new ArgumentOutOfRangeException(name, value, $"invalid TCP setting {name}");
        }

        Require(Msl >= Duration.Zero, nameof(Msl), Msl);
        Require(SynRetries >= 0 && SynAckRetries >= 0 && DataRetries >= 0, nameof(DataRetries), DataRetries);
        Require(MinRto > Duration.Zero && MinRto <= MaxRto, nameof(MinRto), MinRto);
        Require(InitialRto > Duration.Zero, nameof(InitialRto), InitialRto);
        Require(DelayedAckTimeout > Duration.Zero, nameof(DelayedAckTimeout), DelayedAckTimeout);
        Require(LossProbeAckDelay >= Duration.Zero, nameof(LossProbeAckDelay), LossProbeAckDelay);
        Require(LossProbeSegments is >= 1 and <= 2, nameof(LossProbeSegments), LossProbeSegments);
        Require(SlowStartAckLimit >= 0, nameof(SlowStartAckLimit), SlowStartAckLimit);
        Require(Mtu >= 68, nameof(Mtu), Mtu);
        Require(SendBufferSize > 0, nameof(SendBufferSize), SendBufferSize);
        Require(ReceiveBufferSize > 0 && ReceiveBufferSize <= 65535 << MaxWindowShift, nameof(ReceiveBufferSize), ReceiveBufferSize);
        Require(MaxOutOfOrderRanges > 0, nameof(MaxOutOfOrderRanges), MaxOutOfOrderRanges);
        Require(BufferPoolLimit >= 0, nameof(BufferPoolLimit), BufferPoolLimit);
        Require(FinWait2Timeout > Duration.Zero, nameof(FinWait2Timeout), FinWait2Timeout);
        Require(ChallengeAckLimit >= 0 && MaxTimeWait >= 0 && MaxConnections > 0, nameof(MaxConnections), MaxConnections);
        Require(MaxOrphans >= 0, nameof(MaxOrphans), MaxOrphans);
        Require(InvalidAckInterval >= Duration.Zero, nameof(InvalidAckInterval), InvalidAckInterval);
        Require(KeepAliveIdle > Duration.Zero && KeepAliveInterval > Duration.Zero && KeepAliveProbes >= 0, nameof(KeepAliveIdle), KeepAliveIdle);
        Require(UserTimeout >= Duration.Zero, nameof(UserTimeout), UserTimeout);
        Require(Enum.IsDefined(CongestionControl), nameof(CongestionControl), CongestionControl);
        Require(EphemeralPortMin > 0 && EphemeralPortMin <= EphemeralPortMax, nameof(EphemeralPortMin), EphemeralPortMin);
    }

    /// <summary>RFC 7323 §2.3: the largest shift a window scale option may carry.</summary>
    internal const int MaxWindowShift = 14;

    /// <summary>
    /// The shift we offer (RFC 7323 §2.3): the smallest that lets the whole receive buffer be announced in the
    /// 16-bit window field.
    /// </summary>
    internal byte ReceiveWindowShift
    {
        get
        {
            int shift = 0;
            while (shift < MaxWindowShift && (ReceiveBufferSize >> shift) > 65535)
                shift++;
            return (byte)shift;
        }
    }

    /// <summary>The MSS we announce for an address family (RFC 9293 §3.7.1: MTU minus fixed IP and TCP headers).</summary>
    public ushort MssFor(bool ipv6) => (ushort)Math.Clamp(Mtu - (ipv6 ? 60 : 40), 64, 65535);
}
