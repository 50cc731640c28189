namespace SynAck.Analysis.Conversations;

/// <summary>One of the two ends of a connection, named by its role: the side that opened it, or the side that answered.</summary>
public enum ConnectionSide : byte
{
    Originator,
    Responder,
}
