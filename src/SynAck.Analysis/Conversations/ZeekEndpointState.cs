namespace SynAck.Analysis.Conversations;

/// <summary>Zeek's per-endpoint TCP states, from which <c>conn_state</c> is derived.</summary>
internal enum ZeekEndpointState : byte
{
    Inactive,
    SynSent,
    SynAckSent,
    Partial,
    Established,
    Closed,
    Reset,
}
