using SynAck.Stack;

namespace SynAck.Drill.Run;

/// <summary>One file descriptor of the script: a socket before bind/listen/connect, a listener, or a connection.</summary>
internal sealed class DrillSocket(int fd)
{
    public int Fd { get; } = fd;

    public bool NonBlocking { get; set; }

    public ushort BoundPort { get; set; }

    public bool Listening { get; set; }

    /// <summary>The backlog the listener was given (for a stack made again by TCP_MAXSEG).</summary>
    public int Backlog { get; set; }

    public TcpHandle? Handle { get; set; }

    public ScriptConnection? Connection { get; set; }

    public bool ShutRead { get; set; }

    public bool ShutWrite { get; set; }

    public bool NoDelay { get; set; }

    public bool Cork { get; set; }

    /// <summary>A non-blocking connect() in progress whose outcome the next call reports (EINPROGRESS, then 0 or an error).</summary>
    public bool Connecting { get; set; }

    /// <summary>The error a failed connection left for the next call (as SO_ERROR would report it).</summary>
    public string? PendingError { get; set; }
}
