using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>An out-of-order sequence range the receive buffer holds, and when it last changed (for SACK order).</summary>
internal struct ReceiveRange
{
    public SeqNum Left;
    public SeqNum Right;
    public long Stamp;
}
