namespace SynAck.Analysis.Conversations;

/// <summary>How a connection ended, as far as the capture shows.</summary>
public enum ConnectionEndKind : byte
{
    /// <summary>Still open at the end of the capture (seen recently).</summary>
    Open,

    /// <summary>Both sides sent a FIN: the clean four-way close.</summary>
    Fin,

    /// <summary>A reset ended it, with no FIN before it.</summary>
    Rst,

    /// <summary>At least one FIN, then a reset (for example an application closing with unread data, or SO_LINGER 0 after shutdown).</summary>
    FinThenRst,

    /// <summary>Nothing was seen for longer than the idle timeout; the capture never showed an end.</summary>
    TimedOut,
}
