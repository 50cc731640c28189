namespace SynAck.Links;

/// <summary>Why <see cref="ILink.Wait"/> returned.</summary>
public enum LinkWaitResult : byte
{
    /// <summary>The timeout passed with nothing to read and no wake-up.</summary>
    TimedOut = 0,

    /// <summary>A packet may be waiting for <see cref="ILink.TryReceive(Span{byte}, out int)"/>.</summary>
    Readable = 1,

    /// <summary><see cref="ILink.Wake"/> was called. A packet may be waiting as well.</summary>
    Woken = 2,
}
