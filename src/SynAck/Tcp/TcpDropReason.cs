namespace SynAck.Tcp;

/// <summary>Why an arriving packet or segment was dropped. <see cref="TcpDropReasons.Describe"/> gives the text.</summary>
public enum TcpDropReason : byte
{
    /// <summary>Not dropped.</summary>
    None,

    /// <summary>The IP header did not parse (truncated, bad version, lengths or header checksum).</summary>
    MalformedIp,

    /// <summary>An IP fragment that was not taken for reassembly (malformed, overlapping, over the budget; see <see cref="Diagnostics.IpCounters"/>).</summary>
    IpFragment,

    /// <summary>The packet carries another protocol than TCP.</summary>
    NotTcp,

    /// <summary>The destination address is not this stack's.</summary>
    WrongAddress,

    /// <summary>The TCP header did not parse (truncated, data offset, option lengths).</summary>
    MalformedTcp,

    /// <summary>The TCP checksum is wrong.</summary>
    BadChecksum,

    /// <summary>Source or destination port 0, or a broadcast/own source address.</summary>
    BadPort,

    /// <summary>No connection or listener matches; answered with RST (RFC 9293 §3.10.7.1).</summary>
    NoConnection,

    /// <summary>A RST for no connection: dropped silently, never answered (RFC 9293 §3.10.7.1).</summary>
    RstNoConnection,

    /// <summary>LISTEN: a RST is ignored (RFC 9293 §3.10.7.2 first).</summary>
    ListenRst,

    /// <summary>LISTEN: an ACK is answered with RST (RFC 9293 §3.10.7.2 second).</summary>
    ListenAck,

    /// <summary>LISTEN: a segment without SYN, RST or ACK (RFC 9293 §3.10.7.2 fourth).</summary>
    ListenNoSyn,

    /// <summary>LISTEN: the backlog (or the connection limit) is full.</summary>
    ListenOverflow,

    /// <summary>SYN-SENT: the ACK does not acknowledge our SYN; answered with RST unless it was a RST.</summary>
    UnacceptableAck,

    /// <summary>SYN-SENT: a RST without an acceptable ACK.</summary>
    SynSentRst,

    /// <summary>SYN-SENT: neither SYN nor RST.</summary>
    SynSentNoSyn,

    /// <summary>The sequence number test failed (RFC 9293 §3.10.7.4 first); an ACK was sent unless it was a RST.</summary>
    OutOfWindow,

    /// <summary>A RST not exactly at RCV.NXT but in the window: answered with a challenge ACK (RFC 5961 §3.2).</summary>
    RstChallenged,

    /// <summary>A SYN in a synchronized state: answered with a challenge ACK (RFC 5961 §4.2).</summary>
    SynChallenged,

    /// <summary>A challenge ACK was due but the rate limit was reached (RFC 5961 §7).</summary>
    ChallengeAckLimited,

    /// <summary>A segment without the ACK bit in a synchronized state (RFC 9293 §3.10.7.4 fifth).</summary>
    NoAck,

    /// <summary>SYN-RECEIVED: the ACK is not acceptable; answered with RST (RFC 9293 §3.10.7.4 fifth).</summary>
    SynReceivedBadAck,

    /// <summary>The ACK acknowledges something not yet sent (SEG.ACK &gt; SND.NXT): answered with ACK (RFC 9293 §3.10.7.4 fifth).</summary>
    AckAboveSndNxt,

    /// <summary>The ACK is older than SND.UNA − MAX.SND.WND: answered with ACK (RFC 5961 §5.2).</summary>
    AckTooOld,

    /// <summary>Out-of-order data that the reassembly bound would not hold.</summary>
    OutOfOrderFull,

    /// <summary>TIME-WAIT: a RST is ignored (RFC 1337).</summary>
    TimeWaitRst,

    /// <summary>TIME-WAIT: a segment other than a FIN retransmission or acceptable new SYN.</summary>
    TimeWaitSegment,

    /// <summary>Data after the peer's FIN, or after the connection can no longer receive.</summary>
    DataAfterFin,

    /// <summary>RFC 7323 §5.3: the timestamp is older than TS.Recent (PAWS); an old duplicate, answered with ACK.</summary>
    PawsRejected,

    /// <summary>LISTEN with a full backlog: the SYN was answered with a SYN cookie and no state kept (RFC 4987 §3.6).</summary>
    SynCookieSent,

    /// <summary>LISTEN: a SYN that also carries FIN is dropped without an answer (as Linux; a firewall-evasion and fingerprinting probe).</summary>
    ListenSynFin,

    /// <summary>An ICMP error quoting a TCP 4-tuple that has no connection (RFC 5927 §4.1).</summary>
    IcmpNoConnection,

    /// <summary>An ICMP error quoting a sequence number outside SND.UNA ≤ seq &lt; SND.NXT (RFC 5927 §4.1).</summary>
    IcmpSeqOutOfFlight,

    /// <summary>An ICMP fragmentation needed / packet too big whose MTU would not lower the path MTU (RFC 1191 §6, RFC 8201 §4).</summary>
    IcmpMtuNotLower,

    /// <summary>An ICMP error that does not quote enough of a TCP segment sent from this host to be checked.</summary>
    IcmpBadQuote,

    /// <summary>A SYN to a listener while the stack holds <see cref="TcpSettings.MaxConnections"/> connections (and no SYN cookie could stand in).</summary>
    ConnectionLimit,
}
