using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// Proportional Rate Reduction (RFC 9937, which obsoletes RFC 6937) for SACK recovery: instead of falling silent until pipe drops below the new
/// cwnd and then sending in a burst, the sender sends in proportion to what each ACK reports delivered, so that by the
/// end of the first round trip of recovery it has sent ssthresh/RecoverFS of what was delivered (about half with
/// NewReno, 0.7 with CUBIC). Once pipe is below ssthresh it sends what was delivered (PRR-CRB), and on an ACK that
/// advances SND.UNA without showing a further loss one SMSS more (PRR-SSRB). Amounts are bytes; each ACK's allowance is rounded up to whole
/// segments (as Linux counts packets), and what was actually sent (prr_out) keeps the total on the line. NewReno
/// recovery without SACK keeps RFC 6582's cwnd inflation.
/// </summary>
internal sealed partial class TcpConnection
{
    private int _prrDelivered;
    private int _prrOut;
    private int _recoverFs;
    private SeqNum _prrUnaBefore;
    private int _prrSackedBefore;

    private bool PrrActive => _sackRecovery && _settings.ProportionalRateReduction;

    /// <summary>RFC 6937 §3, on entering recovery: prr_delivered = prr_out = 0, RecoverFS = SND.NXT − SND.UNA.</summary>
    private void StartPrr()
    {
        _prrDelivered = 0;
        _prrOut = 0;
        _recoverFs = Math.Max(SndMax - SndUna, SndMss);
    }

    /// <summary>Before an ACK is taken: what SND.UNA and the SACKed bytes were, to measure DeliveredData.</summary>
    private void PrrBeforeAck()
    {
        _prrUnaBefore = SndUna;
        _prrSackedBefore = SackOk && _scoreboard.Count > 0 ? _scoreboard.SackedBetween(SndUna, SndMax) : 0;
        if (_recovery is { } r)
            r.PrrLossOnAck = false;
    }

    /// <summary>
    /// RFC 6937 §3, on every ACK in recovery: DeliveredData = ΔSND.UNA + ΔSACKed; prr_delivered grows by it, and
    /// cwnd = pipe + sndcnt with sndcnt from the proportional part while pipe &gt; ssthresh, from PRR-SSRB after.
    /// </summary>
    private void PrrOnAck()
    {
        if (!PrrActive)
            return;
        int sacked = _scoreboard.Count > 0 ? _scoreboard.SackedBetween(SndUna, SndMax) : 0;
        int delivered = (SndUna - _prrUnaBefore) + (sacked - _prrSackedBefore);
        if (delivered <= 0)
            return;
        // RFC 9937 §4: SafeACK, the ACK advances SND.UNA and shows no further loss.
        PrrSetCwnd(delivered, SndUna > _prrUnaBefore && !(_recovery?.PrrLossOnAck ?? false));
    }

    /// <summary>
    /// RFC 9937 §4 (which obsoletes RFC 6937): prr_delivered grows by <paramref name="delivered"/>, and cwnd = pipe +
    /// sndcnt. Above ssthresh the proportional part; at or below it the conservative bound (PRR-CRB: no more than was
    /// delivered), and the slow-start bound's extra SMSS (PRR-SSRB) only on a SafeACK, one that advances SND.UNA and
    /// shows no further loss — as Linux's tcp_cwnd_reduction. RFC 6937 added the SMSS on every ACK, so a SACK that
    /// reported a new hole could release two segments where one was delivered.
    /// </summary>
    private void PrrSetCwnd(int delivered, bool safeAck)
    {
        _prrDelivered += delivered;
        int pipe = Pipe();
        int ssthresh = Ssthresh;
        long sndcnt;
        if (pipe > ssthresh)
            sndcnt = ((long)_prrDelivered * ssthresh + _recoverFs - 1) / _recoverFs - _prrOut;
        else
            sndcnt = Math.Min(ssthresh - pipe, Math.Max(_prrDelivered - _prrOut, delivered) + (safeAck ? SndMss : 0));
        // Whole segments: a part of one would hold new data back (sender SWS avoidance) and let a retransmission go anyway.
        sndcnt = sndcnt <= 0 ? 0 : (sndcnt + SndMss - 1) / SndMss * SndMss;
        Cwnd = (int)Math.Min(pipe + sndcnt, 1 << 30);
    }

    /// <summary>RFC 6937: prr_out counts every byte sent in recovery, retransmitted or new.</summary>
    private void PrrOnSend(int length)
    {
        if (_sackRecovery)
            _prrOut += length;
    }
}
