namespace SynAck.Sockets;

/// <summary>What a user call asks the event loop to do.</summary>
internal enum HostCommandKind : byte
{
    Read,
    Write,
    CancelRead,
    CancelWrite,
    CompleteWrites,
    Close,
    Abort,
    Accept,
    StopListening,
    Connect,
    CancelConnect,
    Invoke,
    Stop,
}
