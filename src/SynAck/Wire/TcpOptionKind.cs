namespace SynAck.Wire;

/// <summary>TCP option kinds this layer reads and writes (IANA "TCP Option Kind Numbers").</summary>
public enum TcpOptionKind : byte
{
    /// <summary>End of option list (RFC 9293 §3.2).</summary>
    EndOfList = 0,

    /// <summary>No-operation, used to align the next option (RFC 9293 §3.2).</summary>
    NoOperation = 1,

    /// <summary>Maximum segment size, SYN only (RFC 9293 §3.7.1).</summary>
    MaximumSegmentSize = 2,

    /// <summary>Window scale shift count, SYN only (RFC 7323 §2).</summary>
    WindowScale = 3,

    /// <summary>SACK permitted, SYN only (RFC 2018 §2).</summary>
    SackPermitted = 4,

    /// <summary>SACK blocks (RFC 2018 §3).</summary>
    Sack = 5,

    /// <summary>Timestamps TSval/TSecr (RFC 7323 §3).</summary>
    Timestamps = 8,
}
