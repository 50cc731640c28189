namespace SynAck.Tcp;

/// <summary>
/// The only randomness the engine uses (ephemeral port key, default ISN key), handed in so that a run
/// replays bit for bit. Never backed by ambient randomness inside the core.
/// </summary>
public interface IRandomSource
{
    /// <summary>The next 64 random bits.</summary>
    ulong NextUInt64();
}
