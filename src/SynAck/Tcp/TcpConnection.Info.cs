namespace SynAck.Tcp;

/// <summary>What Linux's TCP_INFO reports that SynAck keeps in other terms (for packetdrill's tcpi_* assertions).</summary>
internal sealed partial class TcpConnection
{
    /// <summary>
    /// Linux's congestion-avoidance state (tcpi_ca_state): 0 Open, 1 Disorder (duplicate ACKs or SACKed data, no
    /// recovery yet), 3 Recovery (fast recovery, RFC 6675/6582), 4 Loss (after an RTO until the data then outstanding
    /// is acknowledged). SynAck has no ECN, so never 2 (CWR).
    /// </summary>
    internal int LinuxCaState
        => _inRecovery ? 3
        : _recoverValid ? 4
        : _dupAcks > 0 || (_scoreboard.Count > 0 && SndMax != SndUna) ? 1
        : 0;

    /// <summary>Bytes not SACKed between SND.UNA and the highest SACKed byte: the holes a SACK sender takes for lost
    /// (tcpi_lost is this in segments; Linux marks them so once SACKs arrive above them).</summary>
    internal int HoleBytes => SndMax == SndUna || _scoreboard.Count == 0 || _scoreboard.HighestSacked <= SndUna ? 0
        : (_scoreboard.HighestSacked - SndUna) - _scoreboard.SackedBetween(SndUna, _scoreboard.HighestSacked);

    /// <summary>Bytes SACKed above SND.UNA (tcpi_sacked is this in segments).</summary>
    internal int SackedBytes => SndMax == SndUna ? 0 : _scoreboard.SackedBetween(SndUna, SndMax);
}
