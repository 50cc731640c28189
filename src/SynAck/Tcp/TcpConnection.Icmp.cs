using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

internal sealed partial class TcpConnection
{
    private int _pathMtu;

    /// <summary>The path MTU this connection sends under: the link MTU until an ICMP error lowered it (RFC 1191, RFC 8201).</summary>
    public int PathMtu => _pathMtu == 0 ? _settings.Mtu : _pathMtu;

    /// <summary>The last ICMP error taken as a soft error (RFC 1122 §4.2.3.9); <see cref="TcpError.None"/> if none.</summary>
    public TcpError SoftError { get; private set; }

    /// <summary>
    /// An ICMP error whose quote names this connection. RFC 5927 §4.1: it is accepted only when the quoted sequence
    /// number is in flight (SND.UNA ≤ seq &lt; SND.NXT, with the highest SND.NXT ever sent), which a blind attacker
    /// must guess. Returns <see cref="TcpDropReason.None"/> when taken, otherwise why it was refused.
    /// </summary>
    public TcpDropReason IcmpErrorArrives(IcmpErrorKind kind, int mtu, SeqNum seq, int minIpv4PathMtu, Instant now)
    {
        if (!(SndUna <= seq && seq < SndMax))
            return TcpDropReason.IcmpSeqOutOfFlight;
        if (kind == IcmpErrorKind.PathMtu)
            return LowerPathMtu(mtu, minIpv4PathMtu);

        var error = kind == IcmpErrorKind.Refused ? TcpError.Refused : TcpError.Unreachable;
        // RFC 1122 §4.2.3.9 makes unreachables soft errors that SHOULD NOT abort; Linux ends an active open that meets
        // any of them (tcp_v4_err, SYN-SENT), so that a connect to an unreachable host fails at once rather than after
        // every SYN retry, and drops a half-open passive connection on network/host unreachable, time exceeded or
        // parameter problem (tcp_req_err). Synchronized connections only record the error.
        if (State == TcpState.SynSent)
        {
            _stack.IpCounters.IcmpHardErrors++;
            Fail(error, now);
            CloseAndRelease(TcpTransitionCause.IcmpError, now);
            return TcpDropReason.None;
        }
        if (State == TcpState.SynReceived && FromPassiveOpen && kind == IcmpErrorKind.Unreachable)
        {
            _stack.IpCounters.IcmpHardErrors++;
            CloseAndRelease(TcpTransitionCause.IcmpError, now);
            return TcpDropReason.None;
        }
        _stack.IpCounters.IcmpSoftErrors++;
        SoftError = error;
        return TcpDropReason.None;
    }

    /// <summary>
    /// RFC 1191 §6 / RFC 8201 §4: a smaller path MTU lowers Eff.snd.MSS (RFC 9293 §3.7.1: MTU minus IP and TCP headers
    /// and the options every segment carries), never raises it, and never below Linux's <c>min_pmtu</c> (IPv4) or 1280
    /// (IPv6, RFC 8200 §5). What is in flight was sent too large and is lost: it is sent again from SND.UNA in
    /// segments of the new size, without touching the congestion window (a path change is not congestion; Linux's
    /// tcp_simple_retransmit).
    /// </summary>
    private TcpDropReason LowerPathMtu(int mtu, int minIpv4PathMtu)
    {
        bool v6 = Id.LocalAddress.IsV6;
        mtu = Math.Max(mtu, v6 ? 1280 : minIpv4PathMtu);
        if (mtu >= PathMtu)
            return TcpDropReason.IcmpMtuNotLower;
        _pathMtu = mtu;
        _stack.IpCounters.PathMtuLowered++;
        int mss = mtu - (v6 ? 60 : 40) - (TimestampsOk ? TimestampsLength : 0);
        if (mss >= SndMss || State is TcpState.SynSent)
            return TcpDropReason.None;
        // The congestion controller keeps the MSS it was given at the handshake (SetMss is not called here).
        _ = _cc;
        SndMss = Math.Max(mss, 64);
        if (SndMax != SndUna && IsSynchronized)
        {
            SndNxt = SndUna;
            _rttTiming = false;
            _stack.MarkDirty(this);
        }
        return TcpDropReason.None;
    }
}
