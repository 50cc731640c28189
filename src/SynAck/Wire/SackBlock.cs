namespace SynAck.Wire;

/// <summary>
/// One SACK block (RFC 2018 §3): the receiver holds the bytes from <paramref name="Left"/>
/// up to, but not including, <paramref name="Right"/>.
/// </summary>
/// <param name="Left">The first sequence number of the block.</param>
/// <param name="Right">The sequence number just past the last byte of the block.</param>
public readonly record struct SackBlock(SeqNum Left, SeqNum Right);
