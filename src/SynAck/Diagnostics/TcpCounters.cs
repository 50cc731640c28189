using SynAck.Tcp;

namespace SynAck.Diagnostics;

/// <summary>
/// A stack's counters, named after TCP-MIB (RFC 4022 <c>tcpActiveOpens</c> …), plus drops by reason and the
/// TIME-WAIT count. Read them at any time; the stack updates them as it runs.
/// </summary>
public sealed class TcpCounters
{
    private readonly long[] _drops = new long[Enum.GetValues<TcpDropReason>().Length];

    /// <summary>Transitions CLOSED → SYN-SENT (tcpActiveOpens).</summary>
    public long ActiveOpens { get; internal set; }

    /// <summary>Transitions LISTEN → SYN-RECEIVED (tcpPassiveOpens).</summary>
    public long PassiveOpens { get; internal set; }

    /// <summary>SYN-SENT/SYN-RECEIVED → CLOSED, plus SYN-RECEIVED → LISTEN (tcpAttemptFails).</summary>
    public long AttemptFails { get; internal set; }

    /// <summary>ESTABLISHED/CLOSE-WAIT → CLOSED by reset (tcpEstabResets).</summary>
    public long EstabResets { get; internal set; }

    /// <summary>Connections now in ESTABLISHED or CLOSE-WAIT (tcpCurrEstab).</summary>
    public long CurrEstab { get; internal set; }

    /// <summary>Segments received, including those in error (tcpInSegs).</summary>
    public long InSegs { get; internal set; }

    /// <summary>Segments sent, excluding retransmissions (tcpOutSegs).</summary>
    public long OutSegs { get; internal set; }

    /// <summary>Segments retransmitted (tcpRetransSegs).</summary>
    public long RetransSegs { get; internal set; }

    /// <summary>Segments received in error: malformed, bad checksum (tcpInErrs).</summary>
    public long InErrs { get; internal set; }

    /// <summary>Segments sent with RST (tcpOutRsts).</summary>
    public long OutRsts { get; internal set; }

    /// <summary>Packets handed to Deliver that were not TCP for us at all (bad IP, other protocol, other address).</summary>
    public long InDiscards { get; internal set; }

    /// <summary>Challenge ACKs sent (RFC 5961).</summary>
    public long ChallengeAcks { get; internal set; }

    /// <summary>ACKs owed to invalid segments (out of window, PAWS, TIME-WAIT duplicates) held back by the per-connection limit (Linux TCPACKSkipped*).</summary>
    public long InvalidAcksLimited { get; internal set; }

    /// <summary>Keep-alive probes sent (RFC 1122 §4.2.3.6; Linux TCPKeepAlive).</summary>
    public long KeepAliveProbes { get; internal set; }

    /// <summary>Connections that failed with <see cref="TcpError.TimedOut"/>.</summary>
    public long Timeouts { get; internal set; }

    /// <summary>Retransmission timer expiries with data or a SYN outstanding (RFC 6298 §5.4; Linux TCPTimeouts).</summary>
    public long RetransmissionTimeouts { get; internal set; }

    /// <summary>Loss recoveries entered on duplicate ACKs or SACK information (RFC 5681 §3.2, RFC 6675 §5).</summary>
    public long FastRecoveries { get; internal set; }

    /// <summary>Of <see cref="FastRecoveries"/>, those driven by the SACK scoreboard (Linux TCPSackRecovery).</summary>
    public long SackRecoveries { get; internal set; }

    /// <summary>Tail loss probes sent (RFC 8985 §7; Linux TCPLossProbes).</summary>
    public long LossProbes { get; internal set; }

    /// <summary>
    /// Tail loss probes whose retransmission repaired a real loss (not reported back as a duplicate), answered by a
    /// window reduction (RFC 8985 §7.4; Linux TCPLossProbeRecovery).
    /// </summary>
    public long LossProbeRecoveries { get; internal set; }

    /// <summary>
    /// Connections whose probe of a lone segment, sent before WCDelAckT, found the original had arrived and its ACK was
    /// being held by the peer; from then on they add WCDelAckT (<see cref="Tcp.TcpSettings.LossProbeLearnsAckDelay"/>).
    /// </summary>
    public long LossProbesNeedless { get; internal set; }

    /// <summary>Retransmissions found lost by RACK's time rule and sent again (RFC 8985 §6.2; Linux TCPLostRetransmit).</summary>
    public long LostRetransmits { get; internal set; }

    /// <summary>Retransmission timeouts found spurious by timestamps and undone (RFC 3522, RFC 4015; Linux TCPSpuriousRTOs).</summary>
    public long SpuriousRtos { get; internal set; }

    /// <summary>D-SACK blocks received (RFC 2883; Linux TCPDSACKRecv).</summary>
    public long DsacksReceived { get; internal set; }

    /// <summary>Fast recoveries undone because D-SACK showed every retransmission needless (RFC 3708; Linux TCPDSACKUndo).</summary>
    public long SpuriousRecoveries { get; internal set; }

    /// <summary>Entries now in the TIME-WAIT table.</summary>
    public long TimeWait { get; internal set; }

    /// <summary>Connections that closed without TIME-WAIT because the table was full (<see cref="Tcp.TcpSettings.MaxTimeWait"/>; Linux TCPTimeWaitOverflow).</summary>
    public long TimeWaitOverflow { get; internal set; }

    /// <summary>CLOSE calls answered with a reset because <see cref="Tcp.TcpSettings.MaxOrphans"/> connections were still closing (Linux TCPAbortOnMemory).</summary>
    public long OrphanOverflow { get; internal set; }

    /// <summary>Active opens refused because the stack held <see cref="Tcp.TcpSettings.MaxConnections"/> connections (passive ones are drops with reason ConnectionLimit).</summary>
    public long ConnectionLimitHits { get; internal set; }

    /// <summary>
    /// Times a buffer could not reserve all the window it wanted because the stack's buffers held
    /// <see cref="Tcp.TcpSettings.BufferPoolLimit"/> together: the window offered was smaller (Linux: TCPMemoryPressures).
    /// </summary>
    public long BufferBudgetHits => Pool?.BudgetHits ?? 0;

    /// <summary>The stack's buffer pool, read by <see cref="BufferBudgetHits"/>.</summary>
    internal Buffers.BufferPool? Pool { get; set; }

    /// <summary>How many arriving packets were dropped for <paramref name="reason"/>.</summary>
    public long Drops(TcpDropReason reason) => (uint)reason < (uint)_drops.Length ? _drops[(int)reason] : 0;

    /// <summary>All drops, any reason.</summary>
    public long TotalDrops
    {
        get
        {
            long sum = 0;
            for (int i = 1; i < _drops.Length; i++)
                sum += _drops[i];
            return sum;
        }
    }

    internal void CountDrop(TcpDropReason reason) => _drops[(int)reason]++;
}
