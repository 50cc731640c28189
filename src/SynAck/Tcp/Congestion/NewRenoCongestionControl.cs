using SynAck.Time;

namespace SynAck.Tcp.Congestion;

/// <summary>
/// NewReno's window (RFC 5681 §3.1, RFC 6582): in congestion avoidance about one SMSS per RTT (the byte-counting form
/// of §3.1: SMSS·SMSS/cwnd per ACK, accumulated), and ssthresh = max(FlightSize / 2, 2·SMSS) on loss.
/// </summary>
internal sealed class NewRenoCongestionControl(int mss) : CongestionControl(mss, hyStart: false)
{
    private long _caBytes;

    public override CongestionAlgorithm Algorithm => CongestionAlgorithm.NewReno;

    protected override int ReducedWindow(int flight, Instant now) => flight / 2;

    protected override void CongestionAvoidance(int acked, Instant now, Duration srtt)
    {
        // RFC 5681 §3.1 (3): cwnd += SMSS once a full cwnd of bytes has been acknowledged.
        _caBytes += acked;
        if (_caBytes >= Cwnd)
        {
            _caBytes -= Cwnd;
            Cwnd += Mss;
        }
    }
}
