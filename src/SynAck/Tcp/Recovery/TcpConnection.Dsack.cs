using SynAck.Tcp.Recovery;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// D-SACK (RFC 2883): as receiver, a duplicate segment is reported in the first SACK block of the next ACK; as sender,
/// a reported duplicate of data we retransmitted shows the retransmission was needless. Each such report widens RACK's
/// reordering window (RFC 8985 §6.2 step 4: reo_wnd_mult, up to SRTT, forgotten after 16 recoveries), and when every
/// retransmission of a recovery comes back D-SACKed the recovery's cwnd reduction is undone (RFC 3708 §3, as Linux's
/// <c>tcp_try_undo_dsack</c>).
/// </summary>
internal sealed partial class TcpConnection
{
    private const int ReoWndPersist = 16;

    private bool _dsackPending { get => _recovery?.DsackPending ?? false; set { if (value || _recovery is not null) Recovery.DsackPending = value; } }
    private SeqNum _dsackLeft { get => _recovery?.DsackLeft ?? default; set { if (value != default || _recovery is not null) Recovery.DsackLeft = value; } }
    private SeqNum _dsackRight { get => _recovery?.DsackRight ?? default; set { if (value != default || _recovery is not null) Recovery.DsackRight = value; } }
    private int _reoWndMult { get => _recovery?.ReoWndMult ?? 1; set { if (value != 1 || _recovery is not null) Recovery.ReoWndMult = value; } }
    private int _reoWndPersist { get => _recovery?.ReoWndPersist ?? 0; set { if (value != 0 || _recovery is not null) Recovery.ReoWndPersist = value; } }
    private bool _reorderingSeen { get => _recovery?.ReorderingSeen ?? false; set { if (value || _recovery is not null) Recovery.ReorderingSeen = value; } }
    private Instant _reoWndRaisedAt { get => _recovery?.ReoWndRaisedAt ?? default; set { if (value != default || _recovery is not null) Recovery.ReoWndRaisedAt = value; } }
    private bool _reoWndRaised { get => _recovery?.ReoWndRaised ?? false; set { if (value || _recovery is not null) Recovery.ReoWndRaised = value; } }
    private bool _undoArmed { get => _recovery?.UndoArmed ?? false; set { if (value || _recovery is not null) Recovery.UndoArmed = value; } }
    private int _undoRetransmitted { get => _recovery?.UndoRetransmitted ?? 0; set { if (value != 0 || _recovery is not null) Recovery.UndoRetransmitted = value; } }
    private int _undoDsacked { get => _recovery?.UndoDsacked ?? 0; set { if (value != 0 || _recovery is not null) Recovery.UndoDsacked = value; } }
    private (int Cwnd, int Ssthresh) _undoSnapshot { get => _recovery?.UndoSnapshot ?? default; set { if (value != (0, 0) || _recovery is not null) Recovery.UndoSnapshot = value; } }

    /// <summary>RFC 8985 §6.2: reordering has been seen (a D-SACK), so DupThresh no longer declares losses by count.</summary>
    private bool CountsByTimeOnly => _settings.Rack && SackOk && _reorderingSeen;

    /// <summary>The reordering window RACK uses now, in multiples of min_RTT / 4.</summary>
    public int ReorderingWindowMultiplier => _reoWndMult;

    /// <summary>RFC 2883 §4: a segment wholly below RCV.NXT arrived again; its range goes in the next ACK's first SACK block.</summary>
    internal void NoteDuplicateSegment(TcpPacket seg)
    {
        int len = seg.Payload.Length;
        if (!SackOk || len == 0 || seg.Seq + len > RcvNxt)
            return;
        SeqNum left = seg.Seq, right = seg.Seq + len;
        // Duplicates that touch the one not yet reported are reported as one range (a probe may resend two segments in
        // a row, and the sender counts the duplicated bytes).
        if (_dsackPending && left <= _dsackRight && right >= _dsackLeft)
        {
            left = SeqNum.Min(left, _dsackLeft);
            right = SeqNum.Max(right, _dsackRight);
        }
        _dsackPending = true;
        _dsackLeft = left;
        _dsackRight = right;
    }

    /// <summary>Puts the pending D-SACK block first (RFC 2883 §4 (1)); false when there is none.</summary>
    private bool TryAddDsackBlock(ref TcpOptions options)
    {
        if (!_dsackPending)
            return false;
        _dsackPending = false;
        return options.TryAddSackBlock(new SackBlock(_dsackLeft, _dsackRight));
    }

    /// <summary>RFC 2883 §4.1: the first block is a D-SACK when it lies below SEG.ACK or inside the second block.</summary>
    private static bool IsDsack(in TcpOptions o, SeqNum ack)
    {
        var first = o.GetSackBlock(0);
        if (first.Right <= ack)
            return true;
        if (o.SackBlockCount < 2)
            return false;
        var second = o.GetSackBlock(1);
        return first.Left >= second.Left && first.Right <= second.Right;
    }

    /// <summary>A D-SACK arrived for [<paramref name="left"/>, <paramref name="right"/>).</summary>
    private void OnDsack(SeqNum left, SeqNum right, Instant now)
    {
        _stack.Counters.DsacksReceived++;
        // The duplicate of a tail loss probe's retransmission says an ACK was lost, not that the path reorders.
        if (TakeTlpDsack(left, right))
            return;
        _reorderingSeen = true;
        // RFC 8985 §6.2 step 4: at most one increase per round trip, reo_wnd never above SRTT.
        var srtt = _rtt.HasSample ? _rtt.Srtt : _rtt.Rto;
        if ((!_reoWndRaised || now - _reoWndRaisedAt >= srtt) && _rtt.MinRtt / 4 * (_reoWndMult + 1) <= srtt)
        {
            _reoWndMult++;
            _reoWndRaisedAt = now;
            _reoWndRaised = true;
        }
        _reoWndPersist = ReoWndPersist;
        if (_undoArmed)
        {
            _undoDsacked += Math.Max(1, (right - left + SndMss - 1) / SndMss);
            if (_undoDsacked >= _undoRetransmitted && _undoRetransmitted > 0)
            {
                // Every retransmission of the recovery was a duplicate: the loss never happened.
                _undoArmed = false;
                _cc.Undo(_undoSnapshot);
                _stack.Counters.SpuriousRecoveries++;
            }
        }
    }

    /// <summary>A recovery begins: remember the window for a D-SACK undo; the reordering window's memory ages.</summary>
    private void ArmRecoveryUndo()
    {
        _undoArmed = true;
        _undoRetransmitted = 0;
        _undoDsacked = 0;
        _undoSnapshot = _cc.Snapshot();
        if (_reoWndPersist > 0 && --_reoWndPersist == 0)
            _reoWndMult = 1;
    }

    /// <summary>One segment retransmitted in recovery (counted for the D-SACK undo).</summary>
    private void CountRecoveryRetransmission()
    {
        if (_undoArmed)
            _undoRetransmitted++;
    }
}
