namespace SynAck.Links;

/// <summary>
/// A link can carry nothing any more: its device was deleted, the network namespace it lived in is gone, or the
/// operating system reports the descriptor broken (<c>EBADFD</c>). Unlike a refused send or an empty receive, this
/// does not pass: whoever drives the link stops, and everything waiting on it fails with this exception.
/// </summary>
public sealed class LinkFailedException : IOException
{
    /// <summary>A failure described by <paramref name="message"/>.</summary>
    public LinkFailedException(string message)
        : base(message)
    {
    }

    /// <summary>A failure described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public LinkFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A failure without a description (prefer one of the other constructors).</summary>
    public LinkFailedException()
        : base("the link failed")
    {
    }
}
