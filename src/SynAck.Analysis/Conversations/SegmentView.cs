using SynAck.Wire;

namespace SynAck.Analysis.Conversations;

/// <summary>
/// The fields of one captured TCP segment the analysis needs, copied out of the capture buffer.
/// <see cref="Fragment"/>: the TCP header came from the first fragment of an IP packet (its payload counts as 0).
/// </summary>
internal readonly record struct SegmentView(
    long Frame,
    long Time,
    uint Seq,
    uint Ack,
    int PayloadLength,
    TcpFlags Flags,
    ushort Window,
    bool HasWindowScale,
    byte WindowScale,
    int IpLength,
    string? OptionText,
    bool Fragment = false)
{
    public bool Syn => (Flags & TcpFlags.Syn) != 0;

    public bool Fin => (Flags & TcpFlags.Fin) != 0;

    public bool Rst => (Flags & TcpFlags.Rst) != 0;

    public bool HasAck => (Flags & TcpFlags.Ack) != 0;

    /// <summary>SYN without ACK: an opening attempt.</summary>
    public bool PureSyn => (Flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn;

    public bool SynAck => (Flags & (TcpFlags.Syn | TcpFlags.Ack)) == (TcpFlags.Syn | TcpFlags.Ack);

    /// <summary>RFC 9293 SEG.LEN: payload plus one for SYN and one for FIN.</summary>
    public uint SequenceSpace => (uint)PayloadLength + (Syn ? 1u : 0u) + (Fin ? 1u : 0u);
}
