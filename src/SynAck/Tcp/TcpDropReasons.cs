namespace SynAck.Tcp;

/// <summary>Human-readable text for <see cref="TcpDropReason"/> (constant strings; no allocation).</summary>
public static class TcpDropReasons
{
    /// <summary>One line saying why the segment was dropped, citing the rule.</summary>
    public static string Describe(TcpDropReason reason) => reason switch
    {
        TcpDropReason.None => "not dropped",
        TcpDropReason.MalformedIp => "malformed IP header",
        TcpDropReason.IpFragment => "IP fragment that could not be reassembled",
        TcpDropReason.NotTcp => "not a TCP packet",
        TcpDropReason.WrongAddress => "destination address is not ours",
        TcpDropReason.MalformedTcp => "malformed TCP header",
        TcpDropReason.BadChecksum => "bad TCP checksum",
        TcpDropReason.BadPort => "port 0 or invalid source address",
        TcpDropReason.NoConnection => "no connection: answered with RST (RFC 9293 §3.10.7.1)",
        TcpDropReason.RstNoConnection => "RST for no connection: ignored (RFC 9293 §3.10.7.1)",
        TcpDropReason.ListenRst => "RST in LISTEN: ignored (RFC 9293 §3.10.7.2)",
        TcpDropReason.ListenAck => "ACK in LISTEN: answered with RST (RFC 9293 §3.10.7.2)",
        TcpDropReason.ListenNoSyn => "no SYN in LISTEN (RFC 9293 §3.10.7.2)",
        TcpDropReason.ListenOverflow => "listen backlog full",
        TcpDropReason.UnacceptableAck => "SYN-SENT: ACK does not cover our SYN, answered with RST (RFC 9293 §3.10.7.3)",
        TcpDropReason.SynSentRst => "SYN-SENT: RST without acceptable ACK (RFC 9293 §3.10.7.3)",
        TcpDropReason.SynSentNoSyn => "SYN-SENT: neither SYN nor RST (RFC 9293 §3.10.7.3)",
        TcpDropReason.OutOfWindow => "sequence number not acceptable (RFC 9293 §3.10.7.4 first)",
        TcpDropReason.RstChallenged => "RST in window but not at RCV.NXT: challenge ACK (RFC 5961 §3.2)",
        TcpDropReason.SynChallenged => "SYN in synchronized state: challenge ACK (RFC 5961 §4.2)",
        TcpDropReason.ChallengeAckLimited => "challenge ACK rate limit reached (RFC 5961 §7)",
        TcpDropReason.NoAck => "ACK bit off (RFC 9293 §3.10.7.4 fifth)",
        TcpDropReason.SynReceivedBadAck => "SYN-RECEIVED: unacceptable ACK, answered with RST (RFC 9293 §3.10.7.4 fifth)",
        TcpDropReason.AckAboveSndNxt => "ACK of unsent data: answered with ACK (RFC 9293 §3.10.7.4 fifth)",
        TcpDropReason.AckTooOld => "ACK older than SND.UNA - MAX.SND.WND: answered with ACK (RFC 5961 §5.2)",
        TcpDropReason.OutOfOrderFull => "out-of-order queue full",
        TcpDropReason.TimeWaitRst => "RST in TIME-WAIT: ignored (RFC 1337)",
        TcpDropReason.TimeWaitSegment => "segment in TIME-WAIT",
        TcpDropReason.DataAfterFin => "data after FIN",
        TcpDropReason.SynCookieSent => "listen backlog full: answered with a SYN cookie, no state kept (RFC 4987 §3.6)",
        TcpDropReason.ConnectionLimit => "the stack holds MaxConnections connections: SYN dropped",
        TcpDropReason.PawsRejected => "timestamp older than TS.Recent: PAWS, answered with ACK (RFC 7323 §5.3)",
        TcpDropReason.ListenSynFin => "SYN+FIN in LISTEN: dropped (as Linux)",
        TcpDropReason.IcmpNoConnection => "ICMP error for no connection (RFC 5927 §4.1)",
        TcpDropReason.IcmpSeqOutOfFlight => "ICMP error quoting a sequence number not in flight (RFC 5927 §4.1)",
        TcpDropReason.IcmpMtuNotLower => "ICMP MTU not below the path MTU (RFC 1191 §6, RFC 8201 §4)",
        TcpDropReason.IcmpBadQuote => "ICMP error without a usable TCP quote",
        _ => "unknown",
    };
}
