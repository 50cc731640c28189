using SynAck.Stack;
using SynAck.Tcp;

namespace SynAck.Drill.Run;

/// <summary>
/// The <c>tcpi_*</c> fields of Linux's TCP_INFO that a SynAck connection keeps, in Linux's units (segments for
/// cwnd and ssthresh, microseconds for RTT and RTO). A field SynAck does not keep is absent, and an assertion
/// on it is unsupported.
/// </summary>
internal static class TcpInfoSnapshot
{
    public static Dictionary<string, double> Of(NetStack stack, TcpHandle handle)
    {
        var id = stack.GetConnectionId(handle);
        var d = new Dictionary<string, double> { ["tcpi_state"] = LinuxState(stack.State(handle)) };
        if (!stack.TryGetConnection(id, out var c))
            return d;
        int mss = Math.Max(1, c.SndMss);
        d["tcpi_snd_cwnd"] = c.Cwnd / mss;
        d["tcpi_snd_ssthresh"] = c.Ssthresh >= int.MaxValue / 2 ? 0x7fffffff : c.Ssthresh / mss;
        d["tcpi_snd_mss"] = c.SndMss;
        d["tcpi_advmss"] = c.OurMss;
        d["tcpi_unacked"] = (c.BytesInFlight + mss - 1) / mss;
        d["tcpi_rtt"] = c.Rtt.Srtt.TotalMicroseconds;
        d["tcpi_rttvar"] = c.Rtt.RttVar.TotalMicroseconds;
        d["tcpi_rto"] = c.Rtt.Rto.TotalMicroseconds;
        d["tcpi_backoff"] = c.Rtt.Backoff;
        d["tcpi_retransmits"] = c.Rtt.Backoff;
        d["tcpi_ca_state"] = c.LinuxCaState;
        d["tcpi_sacked"] = c.SackedBytes / mss;
        d["tcpi_lost"] = (c.HoleBytes + mss - 1) / mss;
        d["tcpi_snd_wnd"] = c.SndWnd;
        d["tcpi_rcv_wnd"] = c.RcvWnd;
        d["tcpi_pmtu"] = c.PathMtu;
        // SynAck's duplicate-ACK threshold is fixed at 3 (RFC 5681 §3.2); Linux reports its adaptive value here.
        d["tcpi_reordering"] = 3;
        return d;
    }

    /// <summary>Linux's TCP_ESTABLISHED… numbering (include/net/tcp_states.h).</summary>
    private static int LinuxState(TcpState s) => s switch
    {
        TcpState.Established => 1,
        TcpState.SynSent => 2,
        TcpState.SynReceived => 3,
        TcpState.FinWait1 => 4,
        TcpState.FinWait2 => 5,
        TcpState.TimeWait => 6,
        TcpState.Closed => 7,
        TcpState.CloseWait => 8,
        TcpState.LastAck => 9,
        TcpState.Listen => 10,
        _ => 11,
    };
}
