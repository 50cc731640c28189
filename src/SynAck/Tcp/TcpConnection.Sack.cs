using SynAck.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// Selective acknowledgment (RFC 2018) and the loss recovery built on it (RFC 6675), simplified: every unSACKed byte
/// below the highest SACKed one counts as lost (RFC 6675's IsLost waits for DupThresh segments SACKed above it; the
/// difference only shows under reordering, where we retransmit a little early). In recovery the sender keeps
/// pipe — bytes believed in the network — under cwnd, retransmitting holes first (NextSeg rule 1) and then new data
/// (rule 2); rules 3 and 4 are left out, so a loss with nothing SACKed above it waits for a partial ACK or the RTO.
/// </summary>
internal sealed partial class TcpConnection
{
    private readonly SackScoreboard _scoreboard = new(16);
    private bool _sackRecovery;
    private bool _sackFirstPending;
    private SeqNum _highRxt;

    /// <summary>RFC 2018 §2: both SYNs carried SACK-permitted, so SACK blocks flow both ways.</summary>
    public bool SackOk { get; private set; }

    /// <summary>Ranges the receiver reported holding above SND.UNA.</summary>
    public SackScoreboard Scoreboard => _scoreboard;

    /// <summary>In RFC 6675 loss recovery (as opposed to NewReno's, without SACK).</summary>
    public bool InSackRecovery => _sackRecovery;

    /// <summary>Records the SACK blocks of an acceptable ACK; blocks outside (SEG.ACK, SND.MAX] are ignored as bogus.</summary>
    private void TakeSackBlocks(TcpPacket seg)
    {
        var o = seg.Options;
        if (!SackOk || o.SackBlockCount == 0)
            return;
        for (int i = 0; i < o.SackBlockCount; i++)
        {
            var b = o.GetSackBlock(i);
            if (b.Left < b.Right && b.Left > seg.Ack && b.Right <= SndMax)
                _scoreboard.Add(b.Left, b.Right);
        }
        // RFC 6675 §5: recovery may start before the third duplicate ACK once more than (DupThresh − 1)·SMSS bytes
        // above SND.UNA are SACKed.
        if (!_inRecovery && SndMax != SndUna && _scoreboard.SackedBetween(SndUna, SndMax) > 2 * SndMss)
            EnterRecovery();
        // In recovery every SACK shrinks pipe and may let the next hole (or new data) go: look again at the next Poll.
        if (_sackRecovery)
            _stack.MarkDirty(this);
    }

    /// <summary>
    /// RFC 6675 §4 SetPipe, with the simplification above: bytes beyond the highest SACK are in flight, holes below it
    /// are lost unless already retransmitted (HighRxt), SACKed bytes have left the network.
    /// </summary>
    private int Pipe()
    {
        SeqNum high = _scoreboard.Count > 0 ? SeqNum.Max(_scoreboard.HighestSacked, SndUna) : SndUna;
        int beyond = Math.Max(SndMax - high, 0);
        SeqNum rxEnd = SeqNum.Min(SeqNum.Max(_highRxt, SndUna), high);
        int retransmitted = (rxEnd - SndUna) - _scoreboard.SackedBetween(SndUna, rxEnd);
        return beyond + Math.Max(retransmitted, 0);
    }

    /// <summary>
    /// RFC 6675 §5: on entering recovery the first hole goes at once (step 4.3, whatever pipe says); after that,
    /// while pipe is below cwnd (step C), the next hole (NextSeg rule 1), one SMSS at a time.
    /// </summary>
    private void RetransmitHoles(Instant now, IPacketSink sink)
    {
        while (_sackFirstPending || Pipe() < Cwnd)
        {
            _sackFirstPending = false;
            if (!_scoreboard.NextHole(SeqNum.Max(_highRxt, SndUna), out var start, out int holeLength))
                return;
            int offset = start - SndBufStart;
            if (offset < 0)
                return;
            int len = Math.Min(Math.Min(holeLength, SndMss), _send.Count - offset);
            if (len <= 0)
                return;
            EmitData(start, len, false, now, sink);
            _highRxt = start + len;
        }
    }

    /// <summary>
    /// Adds SACK blocks for the out-of-order data we hold (RFC 2018 §4) to a segment we send: 4 fit in the 40 option
    /// bytes, 3 beside timestamps; a data segment carries only as many as its payload leaves room for within the MSS.
    /// </summary>
    private void AddSackBlocks(ref TcpHeaderFields h, int payloadLength)
    {
        if (!SackOk || _recv.RangeCount == 0)
            return;
        int fixedOptions = h.Options.EncodedLength;
        int room = Math.Min(TcpOptions.MaxLength, SndMss + (TimestampsOk ? TimestampsLength : 0) - payloadLength) - fixedOptions - 4;
        int max = Math.Min(room / 8, TimestampsOk ? 3 : TcpOptions.MaxSackBlocks);
        if (max > 0)
            _recv.AddSackBlocks(ref h.Options, max);
    }
}
