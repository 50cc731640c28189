using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// The Eifel algorithm (RFC 3522 detection, RFC 4015 response) for retransmission timeouts: with timestamps, the first
/// ACK after a timeout that echoes a TSval older than the timeout acknowledges the original transmission, so the
/// timeout was spurious (a delay, not a loss). Then cwnd and ssthresh return to what they were before it and sending
/// resumes with new data instead of resending what already arrived.
/// </summary>
internal sealed partial class TcpConnection
{
    private bool _rtoUndoPending { get => _recovery?.RtoUndoPending ?? false; set { if (value || _recovery is not null) Recovery.RtoUndoPending = value; } }
    private uint _rtoUndoTsVal { get => _recovery?.RtoUndoTsVal ?? 0; set { if (value != 0 || _recovery is not null) Recovery.RtoUndoTsVal = value; } }
    private (int Cwnd, int Ssthresh) _rtoUndo { get => _recovery?.RtoUndo ?? default; set { if (value != (0, 0) || _recovery is not null) Recovery.RtoUndo = value; } }

    /// <summary>The first timeout of a series, before cwnd is cut: remember what to restore (RFC 3522 §3.2).</summary>
    private void PrepareRtoUndo(Instant now)
    {
        _rtoUndoPending = TimestampsOk;
        _rtoUndoTsVal = TsVal(now);
        _rtoUndo = _cc.Snapshot();
    }

    /// <summary>RFC 3522 §3.2 on the first acceptable ACK of new data after a timeout.</summary>
    private void CheckSpuriousRto(TcpPacket seg)
    {
        if (!_rtoUndoPending)
            return;
        _rtoUndoPending = false;
        if (!seg.Options.HasTimestamps || unchecked((int)(seg.Options.TsEcr - _rtoUndoTsVal)) >= 0)
            return;
        // RFC 4015 §3.2: restore the window, forget `recover`, and continue after SND.MAX.
        _cc.Undo(_rtoUndo);
        _recoverValid = false;
        if (SndNxt < SndMax)
            SndNxt = SndMax;
        _stack.Counters.SpuriousRtos++;
    }
}
