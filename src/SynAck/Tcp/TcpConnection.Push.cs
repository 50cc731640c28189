using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// Where SynAck sets PSH. RFC 9293 §3.9.1.2 leaves it to the sender: the data of a SEND with the PUSH flag is to be
/// delivered without waiting for more, and a sender may push whatever it wants. SynAck pushes as Linux's sender does,
/// so that a receiver sees the same flags from both (and packetdrill's scripts hold for SynAck):
/// <list type="bullet">
/// <item>every write is a SEND with PUSH: the segment whose data reaches the end of a write carries PSH, and keeps
/// it when retransmitted (Linux's tcp_push marks the last buffer of each sendmsg; a split buffer keeps the flag on
/// its tail);</item>
/// <item>a write that adds more than half the largest window since the last push is pushed inside too, at the
/// buffer boundaries Linux's sendmsg fills (forced_push, tcp_xmit_size_goal);</item>
/// <item>a write that arrives while the previous one is not yet all sent joins it: the earlier end is no longer a
/// push point (Linux appends to its unsent tail buffer and clears that buffer's PSH);</item>
/// <item>segments sent back to back go as Linux's segmentation-offload packets would — groups of as many segments
/// as its pacing rate allows in about a millisecond, at least two (tcp_tso_autosize) — and the last segment of a
/// group of two or more carries PSH, as __tcp_transmit_skb forces it on every multi-segment packet so that the
/// receiver's GRO flushes; a segment sent alone carries PSH only at a push point.</item>
/// </list>
/// </summary>
internal sealed partial class TcpConnection
{
    // Linux's sk_gso_max_size for a device with segmentation offload (GSO_LEGACY_MAX_SIZE).
    private const int GsoMaxSize = 65536;

    private PushMarks? _pushMarks;

    /// <summary>A write put <paramref name="length"/> bytes in the send buffer from <paramref name="start"/>; <paramref name="more"/>: no push at its end.</summary>
    private void MarkWrite(SeqNum start, int length, bool more)
    {
        var marks = _pushMarks;
        if (marks is null)
        {
            marks = _pushMarks = _stack.RentPushMarks();
            marks.Reset(start);
        }
        else if (marks.Count > 0 && marks.Last == start && SndMax < start)
        {
            marks.DropLast();
        }
        if (MaxSndWnd > 0)
        {
            // tcp_bound_to_half_wnd and tcp_xmit_size_goal: sendmsg fills buffers of half the largest window (all
            // of it when at most 536 bytes), at most 64 KiB, in whole segments; each one filled while more than half
            // that window was written since the last push is pushed.
            long half = MaxSndWnd / 2;
            long cutoff = MaxSndWnd > 536 ? half : MaxSndWnd;
            int goal = (int)Math.Min(cutoff, GsoMaxSize) / SndMss * SndMss;
            goal = Math.Max(goal, SndMss);
            for (long at = goal; at < length; at += goal)
            {
                SeqNum boundary = start + (int)at;
                if (boundary - marks.PushedSeq > half)
                    marks.Add(boundary);
            }
            // tcp_push: the end of a "more" write is pushed too once more than half the window waits unpushed.
            if (more && (start + length) - marks.PushedSeq > half)
                more = false;
        }
        if (!more)
            marks.Add(start + length);
    }

    /// <summary>Acknowledged data takes its marks with it; an emptied send buffer gives the ring back.</summary>
    private void DropAckedPushMarks()
    {
        if (_pushMarks is not { } marks)
            return;
        marks.DropThrough(SndUna);
        if (_send.Count == 0)
            ReleasePushMarks();
    }

    private void ReleasePushMarks()
    {
        if (_pushMarks is { } marks)
        {
            _pushMarks = null;
            _stack.ReturnPushMarks(marks);
        }
    }

    /// <summary>Does the data of [<paramref name="seq"/>, +<paramref name="length"/>) reach a push point?</summary>
    private bool ReachesPushMark(SeqNum seq, int length) => length > 0 && _pushMarks is { } m && m.Reaches(seq, length);

    /// <summary>
    /// How many segments Linux puts in one offload packet at this connection's rate (tcp_tso_autosize): the bytes its
    /// pacing rate sends in 1/1024 s (sk_pacing_shift 10), plus 64 KiB halved for every 512 µs of minimum RTT
    /// (tcp_tso_rtt_log 9), at most 64 KiB, at least two segments (tcp_min_tso_segs). The pacing rate is cwnd (or
    /// the flight, if larger) per smoothed RTT, doubled in slow start's first half and 1.2 times after
    /// (tcp_update_pacing_rate); with no RTT yet it is unbounded.
    /// </summary>
    private int GsoSegments()
    {
        double bytes = GsoMaxSize;
        if (_rtt.HasSample && _rtt.Srtt.Nanoseconds > 0)
        {
            double ratio = Cwnd < Ssthresh / 2 ? 2.0 : 1.2;
            double rate = ratio * Math.Max(Cwnd, SndMax - SndUna) / _rtt.Srtt.TotalSeconds;
            bytes = rate / 1024;
            long shift = _rtt.MinRtt.TotalMicroseconds >> 9;
            if (shift < 32)
                bytes += GsoMaxSize >> (int)shift;
        }
        bytes = Math.Min(bytes, GsoMaxSize);
        return Math.Max((int)(bytes / SndMss), 2);
    }
}
