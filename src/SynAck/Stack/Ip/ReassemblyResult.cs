namespace SynAck.Stack.Ip;

/// <summary>What became of one fragment handed to <see cref="IpReassembler"/>.</summary>
internal enum ReassemblyResult : byte
{
    /// <summary>Kept (or a duplicate ignored); the datagram is not complete yet.</summary>
    Held,

    /// <summary>The datagram is complete and handed back whole.</summary>
    Complete,

    /// <summary>Dropped; the counters say why.</summary>
    Dropped,
}
