using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp.Recovery;

/// <summary>
/// The part of a connection's loss-recovery state that keeps its initial values until data has been sent and lost,
/// reordered or duplicated: RACK-TLP's timers and retransmission log (RFC 8985), D-SACK and the reordering window
/// (RFC 2883, RFC 8985 §6.2), and the undo snapshots (RFC 3708, RFC 3522/RFC 4015). The connection makes it when one
/// of them first takes a value other than its initial one and reads the initial values until then, so a connection
/// that never sent data carries none of it.
/// The connection's members of the same names (<c>TcpConnection.Rack</c>, <c>.Dsack</c>, <c>.Undo</c>) say what each is.
/// </summary>
internal sealed class RecoveryState
{
    // RFC 2883 / RFC 8985 §6.2 (TcpConnection.Dsack).
    public bool DsackPending { get; set; }

    public SeqNum DsackLeft { get; set; }

    public SeqNum DsackRight { get; set; }

    public int ReoWndMult { get; set; } = 1;

    public int ReoWndPersist { get; set; }

    public bool ReorderingSeen { get; set; }

    public Instant ReoWndRaisedAt { get; set; }

    public bool ReoWndRaised { get; set; }

    public bool UndoArmed { get; set; }

    public int UndoRetransmitted { get; set; }

    public int UndoDsacked { get; set; }

    public (int Cwnd, int Ssthresh) UndoSnapshot { get; set; }

    // RFC 8985 (TcpConnection.Rack).
    public RetransmitLog? RxLog { get; set; }

    public Instant TlpAt { get; set; } = Instant.MaxValue;

    public Instant ReoAt { get; set; } = Instant.MaxValue;

    public Instant SackSeenAt { get; set; } = Instant.MaxValue;

    public bool TlpOut { get; set; }

    public bool ProbePending { get; set; }

    public bool TlpEpisode { get; set; }

    public SeqNum TlpRetxLeft { get; set; }

    public SeqNum TlpRetxRight { get; set; }

    public int TlpDsacked { get; set; }

    public int TlpFlight { get; set; }

    public bool TlpArmedLone { get; set; }

    // RFC 9937 (TcpConnection.Prr): the ACK being taken found a retransmission lost.
    public bool PrrLossOnAck { get; set; }

    public bool TlpLone { get; set; }

    public bool TlpDsackExpected { get; set; }

    public Instant TlpSentAt { get; set; }

    public uint TlpTsVal { get; set; }

    // RFC 3522 / RFC 4015 (TcpConnection.Undo).
    public bool RtoUndoPending { get; set; }

    public uint RtoUndoTsVal { get; set; }

    public (int Cwnd, int Ssthresh) RtoUndo { get; set; }
}
