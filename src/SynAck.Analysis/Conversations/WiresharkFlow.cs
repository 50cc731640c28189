namespace SynAck.Analysis.Conversations;

/// <summary>
/// What Wireshark's sequence analysis remembers about one direction of a connection. Zero in
/// <see cref="NextSeq"/> and <see cref="MaxSeqToBeAcked"/> means "not known yet", as in Wireshark.
/// </summary>
internal sealed class WiresharkFlow
{
    /// <summary>The first sequence number of this direction (the ISN when its SYN was seen).</summary>
    public uint BaseSeq;

    public bool BaseSet;

    /// <summary>The sequence number expected next: the highest end of a segment seen so far.</summary>
    public uint NextSeq;

    public long NextSeqTime;

    /// <summary>The end of the contiguous data seen: an ACK beyond it acknowledges something the capture missed.</summary>
    public uint MaxSeqToBeAcked;

    public uint LastAck;

    public long LastAckTime;

    /// <summary>
    /// The last window advertised, scaled when the scale is known; the largest value until this side sent
    /// anything (as in Wireshark), so a side never heard from has no zero window.
    /// </summary>
    public uint Window = uint.MaxValue;

    /// <summary>The shift this side announced: -1 not known (no SYN seen), -2 no scaling in effect.</summary>
    public int WinScale = -1;

    public int DupAckCount;

    public TcpExpertFlags LastSegmentFlags;
}
