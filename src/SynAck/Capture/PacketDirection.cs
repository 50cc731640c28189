namespace SynAck.Capture;

/// <summary>
/// Which way a packet crossed the capturing interface, as pcapng's <c>epb_flags</c> records it
/// (bits 0–1: 01 inbound, 10 outbound).
/// </summary>
public enum PacketDirection : byte
{
    /// <summary>Not recorded.</summary>
    Unknown = 0,

    /// <summary>Received by the capturing host.</summary>
    Inbound = 1,

    /// <summary>Sent by the capturing host.</summary>
    Outbound = 2,
}
