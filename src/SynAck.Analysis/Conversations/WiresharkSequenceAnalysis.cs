using SynAck.Wire;

namespace SynAck.Analysis.Conversations;

/// <summary>
/// Wireshark's per-segment TCP sequence analysis (the verdicts of <c>tcp.analysis.*</c>), re-derived from its
/// documented definitions: the checks run in Wireshark's order, some of them end the checks early, and the
/// direction's memory (next sequence number, last ACK, window, duplicate-ACK count) is updated afterwards.
/// Sequence comparisons are modular (RFC 9293 §3.4).
/// </summary>
internal static class WiresharkSequenceAnalysis
{
    /// <summary>Wireshark's fast-retransmission horizon after the last duplicate ACK.</summary>
    private const long FastRetransmissionWindowNs = 20_000_000;

    /// <summary>The out-of-order horizon when no initial RTT is known.</summary>
    private const long DefaultOutOfOrderNs = 3_000_000;

    private const TcpFlags SynFinRst = TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Rst;

    /// <summary>
    /// Applies a SYN's window-scale option to its direction. RFC 7323 §2.2: scaling is in effect only when both
    /// SYNs carried the option; as in Wireshark, a SYN or SYN-ACK without it turns scaling off both ways (-2) at
    /// once (so the other direction is known unscaled even if its SYN-ACK is not captured), and a SYN-ACK with it
    /// answering a SYN without it does not turn it on.
    /// </summary>
    public static void NoteWindowScale(WiresharkFlow fwd, WiresharkFlow rev, in SegmentView s)
    {
        if (!s.Syn)
            return;
        if (!s.HasWindowScale)
        {
            fwd.WinScale = -2;
            rev.WinScale = -2;
            return;
        }
        fwd.WinScale = s.SynAck && rev.WinScale == -2 ? -2 : Math.Min((int)s.WindowScale, 14);
    }

    /// <summary>The window as Wireshark stores it: shifted by the sender's scale except on SYNs (RFC 7323 §2.2).</summary>
    public static uint ScaledWindow(WiresharkFlow fwd, in SegmentView s)
        => !s.Syn && fwd.WinScale >= 0 ? (uint)s.Window << fwd.WinScale : s.Window;

    /// <summary>
    /// Judges one segment <paramref name="s"/> sent in the <paramref name="fwd"/> direction (the peer's being
    /// <paramref name="rev"/>), advertising <paramref name="window"/> (scaled); <paramref name="initialRttNs"/> is
    /// Wireshark's iRTT for the connection, 0 while unknown. Returns the segment's verdicts.
    /// </summary>
    public static TcpExpertFlags Analyze(WiresharkFlow fwd, WiresharkFlow rev, in SegmentView s, uint window, long initialRttNs)
    {
        var flags = TcpExpertFlags.None;
        uint seq = s.Seq, ack = s.Ack;
        int len = s.PayloadLength;
        bool control = (s.Flags & SynFinRst) != 0;
        long t = s.Time;

        // One byte at the next sequence number into a zero window is a probe; nothing else is checked.
        if (len == 1 && seq == fwd.NextSeq && rev.Window == 0)
        {
            flags |= TcpExpertFlags.ZeroWindowProbe;
            goto FinishedForward;
        }

        if (window == 0 && !control)
            flags |= TcpExpertFlags.ZeroWindow;

        if (fwd.NextSeq != 0 && Gt(seq, fwd.NextSeq) && !s.Rst)
            flags |= TcpExpertFlags.PreviousSegmentNotCaptured;

        if ((len == 0 || len == 1) && seq == fwd.NextSeq - 1 && !control)
            flags |= TcpExpertFlags.KeepAlive;

        if (len == 0 && window != 0 && window != fwd.Window && seq == fwd.NextSeq && ack == fwd.LastAck && !control)
            flags |= TcpExpertFlags.WindowUpdate;

        if (len > 0 && rev.WinScale != -1 && seq + (uint)len == rev.LastAck + rev.Window && !control)
            flags |= TcpExpertFlags.WindowFull;

        if (len == 0 && window != 0 && window == fwd.Window && seq == fwd.NextSeq && ack == fwd.LastAck
            && (rev.LastSegmentFlags & TcpExpertFlags.KeepAlive) != 0 && !control)
        {
            flags |= TcpExpertFlags.KeepAliveAck;
            goto FinishedForward;
        }

        if (len == 0 && window == 0 && window == fwd.Window && seq == fwd.NextSeq
            && (ack == fwd.LastAck || ack == fwd.LastAck + 1)
            && (rev.LastSegmentFlags & TcpExpertFlags.ZeroWindowProbe) != 0 && !control)
        {
            flags |= TcpExpertFlags.ZeroWindowProbeAck;
            goto FinishedForward;
        }

        if (len == 0 && window != 0 && window == fwd.Window && seq == fwd.NextSeq && ack == fwd.LastAck && !control)
        {
            fwd.DupAckCount++;
            flags |= TcpExpertFlags.DuplicateAck;
        }

    FinishedForward:
        // Only a new acknowledgment number ends a run of duplicates: an ACK that merely changes the window (as
        // a receiver buffering out-of-order data with SACK does) leaves the count standing, as in Wireshark.
        if (ack != fwd.LastAck)
            fwd.DupAckCount = 0;

        // An ACK beyond the contiguous data seen from the peer: the capture missed a segment the peer sent.
        if (rev.MaxSeqToBeAcked != 0 && Gt(ack, rev.MaxSeqToBeAcked) && s.HasAck)
        {
            flags |= TcpExpertFlags.AckedUnseenSegment;
            rev.MaxSeqToBeAcked = rev.NextSeq;
        }

        if (len > 0 || s.Syn || s.Fin)
            flags |= ClassifyResend(fwd, rev, s, flags, initialRttNs);

        uint nextSeq = seq + (uint)len + (s.Syn || s.Fin ? 1u : 0u);
        bool probe = (flags & TcpExpertFlags.ZeroWindowProbe) != 0;
        if ((Gt(nextSeq, fwd.NextSeq) || fwd.NextSeq == 0) && !probe)
        {
            fwd.NextSeq = nextSeq;
            fwd.NextSeqTime = t;
        }
        if ((seq == fwd.MaxSeqToBeAcked || fwd.MaxSeqToBeAcked == 0) && !probe)
            fwd.MaxSeqToBeAcked = fwd.NextSeq;

        fwd.Window = window;
        fwd.LastAck = ack;
        fwd.LastAckTime = t;
        fwd.LastSegmentFlags = flags;
        return flags;
    }

    /// <summary>
    /// A segment below the next expected sequence number: spurious, fast, reordered, or a plain retransmission.
    /// As in Wireshark, a spurious or fast retransmission carries the retransmission flag too.
    /// </summary>
    private static TcpExpertFlags ClassifyResend(WiresharkFlow fwd, WiresharkFlow rev, in SegmentView s, TcpExpertFlags sofar, long initialRttNs)
    {
        if ((sofar & TcpExpertFlags.KeepAlive) != 0)
            return TcpExpertFlags.None;
        uint seq = s.Seq;
        int len = s.PayloadLength;
        bool notAdvanced = fwd.NextSeq != 0 && Lt(seq, fwd.NextSeq);
        // A segment of new data starting one byte early (after a one-byte zero-window probe) is not a resend.
        if (len > 1 && fwd.NextSeq - 1 == seq)
            notAdvanced = false;
        // Spurious is judged even when the sequence number advanced, as Wireshark does.
        if (len > 0 && rev.LastAck != 0 && Le(seq + (uint)len, rev.LastAck))
            return TcpExpertFlags.SpuriousRetransmission | TcpExpertFlags.Retransmission;
        if (!notAdvanced)
            return TcpExpertFlags.None;
        if (rev.DupAckCount >= 2 && rev.LastAck == seq && s.Time - rev.LastAckTime < FastRetransmissionWindowNs)
            return TcpExpertFlags.FastRetransmission | TcpExpertFlags.Retransmission;
        long threshold = initialRttNs > 0 ? initialRttNs : DefaultOutOfOrderNs;
        // The end of the segment counts its SYN or FIN: a resent final segment ends exactly at the highest
        // sequence seen, so it is a retransmission, not a segment out of order.
        uint end = seq + (uint)len + (s.Syn || s.Fin ? 1u : 0u);
        if (fwd.NextSeq != end && s.Time - fwd.NextSeqTime < threshold)
            return TcpExpertFlags.OutOfOrder;
        return TcpExpertFlags.Retransmission;
    }

    private static bool Gt(uint a, uint b) => (int)(a - b) > 0;

    private static bool Lt(uint a, uint b) => (int)(a - b) < 0;

    private static bool Le(uint a, uint b) => (int)(a - b) <= 0;
}
