using SynAck.Wire;

namespace SynAck.Tcp;

internal sealed partial class TcpConnection
{
    /// <summary>RFC 7323 §2: both SYNs carried a window scale option, so every later window field is shifted.</summary>
    public bool WindowScaleOk { get; private set; }

    /// <summary>Snd.Wind.Shift (RFC 7323 §2.2): the peer's shift, applied to the windows it sends us.</summary>
    public int SndShift { get; private set; }

    /// <summary>Rcv.Wind.Shift (RFC 7323 §2.2): our shift, applied to the windows we send.</summary>
    public int RcvShift { get; private set; }

    /// <summary>The largest window we can announce: the receive buffer, capped by what the window field can say.</summary>
    private int MaxRcvWindow => Math.Min(_recv.Capacity, 65535 << RcvShift);

    /// <summary>
    /// Settles the options both sides offered, from the peer's SYN (passive open, simultaneous open) or SYN-ACK
    /// (active open). We offer an option on our SYN exactly when its setting is on, and answer one on a SYN-ACK only
    /// when the peer's SYN carried it, so "the setting is on and the peer's SYN had it" is the agreement in both cases.
    /// </summary>
    private void NegotiateOptions(in TcpOptions peer)
    {
        // RFC 7323 §2.2: scaling is in force only when both SYNs carried the option; §2.3: a shift above 14 is taken as 14.
        WindowScaleOk = _settings.WindowScaling && peer.HasWindowScale;
        SndShift = WindowScaleOk ? Math.Min((int)peer.WindowScale, TcpSettings.MaxWindowShift) : 0;
        RcvShift = WindowScaleOk ? _settings.ReceiveWindowShift : 0;
    }

    /// <summary>Adds the options a SYN (or SYN-ACK) carries to <paramref name="o"/>.</summary>
    private void AddSynOptions(ref TcpOptions o)
    {
        // RFC 9293 §3.7.1: a SYN carries the MSS we can receive.
        o.HasMss = true;
        o.Mss = OurMss;
        bool offer = State == TcpState.SynSent;
        // RFC 7323 §2.2: the WS option goes on a SYN, and on a SYN-ACK only in answer to one.
        if (offer ? _settings.WindowScaling : WindowScaleOk)
        {
            o.HasWindowScale = true;
            o.WindowScale = _settings.ReceiveWindowShift;
        }
    }

    /// <summary>
    /// SEG.WND in bytes: shifted by the peer's scale, except in a segment with SYN, whose window is never scaled
    /// (RFC 7323 §2.2).
    /// </summary>
    private uint SegmentWindow(TcpPacket seg)
        => (seg.Flags & TcpFlags.Syn) != 0 ? seg.Window : (uint)seg.Window << SndShift;
}
