namespace SynAck.Wire;

/// <summary>
/// The fields of a TCP header (RFC 9293 §3.1) to write with <see cref="TcpPacket.Write"/>, or as
/// read back by <see cref="TcpPacket.Fields"/>. Checksum and data offset are computed on write.
/// </summary>
public struct TcpHeaderFields : IEquatable<TcpHeaderFields>
{
    public ushort SourcePort;
    public ushort DestinationPort;
    public SeqNum Seq;
    public SeqNum Ack;
    public TcpFlags Flags;
    public ushort Window;
    public ushort UrgentPointer;
    public TcpOptions Options;

    public readonly bool Equals(TcpHeaderFields other)
        => SourcePort == other.SourcePort && DestinationPort == other.DestinationPort && Seq == other.Seq
            && Ack == other.Ack && Flags == other.Flags && Window == other.Window
            && UrgentPointer == other.UrgentPointer && Options.Equals(other.Options);

    public override readonly bool Equals(object? obj) => obj is TcpHeaderFields f && Equals(f);

    public override readonly int GetHashCode()
        => HashCode.Combine(SourcePort, DestinationPort, Seq, Ack, Flags, Window, UrgentPointer, Options);

    public static bool operator ==(TcpHeaderFields a, TcpHeaderFields b) => a.Equals(b);

    public static bool operator !=(TcpHeaderFields a, TcpHeaderFields b) => !a.Equals(b);

    public override readonly string ToString()
        => $"{SourcePort} > {DestinationPort} [{Flags}] seq {Seq} ack {Ack} win {Window} urg {UrgentPointer} options [{Options}]";
}
