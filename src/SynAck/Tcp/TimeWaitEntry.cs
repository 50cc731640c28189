using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// What TIME-WAIT needs of a finished connection (RFC 9293 §3.10.7.4, TIME-WAIT in each step): the 4-tuple, where
/// each direction's sequence space ended, and when the 2MSL wait ends. The form entries go into and come out of
/// <see cref="TimeWaitTable"/>, which stores their fields apart (no object or struct of this size per entry).
/// </summary>
internal struct TimeWaitEntry
{
    public ConnectionId Id;

    /// <summary>Our SND.NXT: one past our FIN.</summary>
    public SeqNum SndNxt;

    /// <summary>Our RCV.NXT: one past the peer's FIN.</summary>
    public SeqNum RcvNxt;

    public ushort Window;

    /// <summary>Our window scale (RFC 7323 §2): <see cref="Window"/> is in units of 2^RcvShift bytes.</summary>
    public byte RcvShift;

    /// <summary>The connection used RFC 7323 timestamps; <see cref="TsRecent"/> is the peer's last one (RFC 6191 uses it).</summary>
    public bool TsOk;

    public uint TsRecent;

    /// <summary>When TIME-WAIT last answered an invalid segment (<see cref="InvalidAckLimiter"/>), carried over from the connection.</summary>
    public long InvalidAckAt;

    public Instant Expiry;

    public bool InUse;
}
