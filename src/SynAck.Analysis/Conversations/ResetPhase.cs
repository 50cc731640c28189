namespace SynAck.Analysis.Conversations;

/// <summary>Where in a connection's life the first reset came.</summary>
public enum ResetPhase : byte
{
    /// <summary>Before the handshake finished: a refused connection (RST in answer to a SYN) or an aborted attempt.</summary>
    Handshake,

    /// <summary>After the handshake, before any payload: the typical "accept then reset" of an overloaded or filtering server.</summary>
    AfterHandshake,

    /// <summary>After payload was exchanged and before any FIN: an abort in mid-stream.</summary>
    MidStream,

    /// <summary>After a FIN: a close that ended with a reset.</summary>
    AfterFin,
}
